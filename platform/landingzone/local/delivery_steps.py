"""What a local run does around the stacks because of `config/delivery.yaml`, in the order an operator and the
runners do it in a real organisation:

1. the organization exists before anything (the bootstrap stack's StackSet deploys through it, and `org` adopts
   it by import): an operator creates it; locally `up` does, with the management account's credentials;
2. `bootstrap` is applied on local state, then its state moves into the bucket it created
   (`terraform init -migrate-state`);
3. every other stack gets the IDs `org` creates as Terraform variables, from `org`'s outputs, the way Spacelift
   passes stack-dependency references (with Spacelift, routed by the admin stack's references themselves);
4. AWS's automatic StackSet deployment puts the deployer role into the accounts `org` created. moto has none (see
   capabilities.py), so locally, after each apply of `org`, the run plays AWS's part: it deploys the bootstrap
   StackSet's instances to the organization's OUs, and moto creates the role from the StackSet's own template.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from landingzone.local.clients import LocalClients
from landingzone.local.runner import FAILED, StackRun
from landingzone.local.stack_terraform import StackTerraform

BOOTSTRAP, ORG = "bootstrap", "org"
INPUTS_FILE = "org.auto.tfvars.json"  # Terraform reads *.auto.tfvars.json by itself
_LOCAL_BACKEND_OVERRIDE = "backend_override.tf.json"
_MIGRATED = ".state-in-bucket"
_STACK_SET = "aws_cloudformation_stack_set"
_INSTANCE = "aws_cloudformation_stack_set_instance"


def ensure_organization(clients: LocalClients) -> str:
    """The local AWS's organization ID, creating the organization (all features) if there is none yet."""
    org = clients.management("organizations")
    try:
        return str(org.describe_organization()["Organization"]["Id"])
    except org.exceptions.AWSOrganizationsNotInUseException:
        return str(org.create_organization(FeatureSet="ALL")["Organization"]["Id"])


class DeliverySteps:
    """The steps above, for one local run over `stacks_dir`."""

    def __init__(self, stacks: StackTerraform, stacks_dir: Path, synthesized: Path, clients: LocalClients, *,
                 references: Mapping[str, Mapping[str, tuple[str, str]]] | None = None) -> None:
        """`references` (stack → its variable → (the stack it depends on, that stack's output)) route the inputs
        as Spacelift's dependency references do; without them a variable takes org's output of the same name."""
        self._stacks, self._dir, self._synthesized, self._clients = stacks, stacks_dir, synthesized, clients
        self._references = references
        self._outputs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def apply(self, name: str) -> StackRun:
        """Apply `name`, the bootstrap stack first on local state and then moved into its bucket. Its inputs are
        already written: `inputs_for` runs before every apply, since they are part of the stack's fingerprint."""
        folder = self._dir / name
        if name == BOOTSTRAP and not (folder / _MIGRATED).is_file():
            return self._first_bootstrap(folder)
        run = self._stacks.apply(name)
        if not run.ok:
            return run
        with self._lock:
            self._outputs.pop(name, None)  # its outputs may have changed
        return self._deploy_stack_sets(run) if name == ORG else run

    def inputs_for(self, name: str) -> None:
        """Write the variables `name` declares from the outputs of the stacks it depends on (before its fingerprint
        is taken)."""
        if name not in (BOOTSTRAP, ORG):
            self._write_inputs(self._dir / name)

    def _first_bootstrap(self, folder: Path) -> StackRun:
        override = folder / _LOCAL_BACKEND_OVERRIDE
        local_state = {"terraform": {"backend": {"local": {"path": f"terraform.{BOOTSTRAP}.tfstate"}}}}
        override.write_text(json.dumps(local_state))
        applied = self._stacks.apply(BOOTSTRAP)
        override.unlink()
        if not applied.ok:
            return applied
        moved = self._stacks.migrate(BOOTSTRAP)
        if not moved.ok:
            return moved
        (folder / f"terraform.{BOOTSTRAP}.tfstate").unlink(missing_ok=True)  # the bucket holds it now
        (folder / _MIGRATED).write_text("state moved into the bucket with terraform init -migrate-state\n")
        return StackRun(BOOTSTRAP, applied.status, self._stacks.count(BOOTSTRAP), applied.seconds + moved.seconds)

    def _write_inputs(self, folder: Path) -> None:
        declared = json.loads((folder / "cdk.tf.json").read_text()).get("variable", {})
        if self._references is None:
            routes = {name: (ORG, name) for name in declared}
        else:  # a variable no reference fills stays empty: the plan then names it, as Spacelift's run would
            routes = {name: route for name, route in self._references.get(folder.name, {}).items() if name in declared}
        values = {}
        for name, (stack, output) in sorted(routes.items()):
            outputs = self._outputs_of(stack)
            if output in outputs:
                values[name] = outputs[output]
        path = folder / INPUTS_FILE
        if values:
            path.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n")
        else:
            path.unlink(missing_ok=True)

    def _outputs_of(self, stack: str) -> dict[str, Any]:
        with self._lock:
            if stack not in self._outputs:
                self._outputs[stack] = self._stacks.outputs(stack)
            return self._outputs[stack]

    def _deploy_stack_sets(self, org_run: StackRun) -> StackRun:
        """AWS's automatic deployment, played once `org` has created the accounts and OUs (see the module doc)."""
        targets = _stack_set_targets(self._synthesized / "stacks" / BOOTSTRAP / "cdk.tf.json")
        if not targets:
            return org_run
        organizations = self._clients.management("organizations")
        root = organizations.list_roots()["Roots"][0]["Id"]
        # The root's OUs, not the root: moto, unlike AWS, also deploys a service-managed StackSet to the management
        # account, where bootstrap created the role itself.
        ous = [ou["Id"] for page in organizations.get_paginator("list_organizational_units_for_parent").paginate(
            ParentId=root) for ou in page["OrganizationalUnits"]]
        for stack_set, region in targets:
            cloudformation = self._clients.management("cloudformation", region)
            try:
                cloudformation.create_stack_instances(StackSetName=stack_set, Regions=[region],
                                                      DeploymentTargets={"OrganizationalUnitIds": ous})
            except cloudformation.exceptions.ClientError as exc:
                return StackRun(ORG, FAILED, org_run.resources, org_run.seconds,
                                f"deploying the StackSet {stack_set} to the new accounts, as AWS's automatic "
                                f"deployment would: {exc}")
        return org_run


def _stack_set_targets(bootstrap: Path) -> list[tuple[str, str]]:
    """(StackSet name, region) of each automatically deployed StackSet instance in the synthesized bootstrap."""
    if not bootstrap.is_file():
        return []
    resources: Mapping[str, Any] = json.loads(bootstrap.read_text()).get("resource", {})
    names = {f"${{{_STACK_SET}.{key}.name}}": body["name"] for key, body in resources.get(_STACK_SET, {}).items()
             if (body.get("auto_deployment") or {}).get("enabled")}
    return sorted((names[body["stack_set_name"]], body["region"]) for body in resources.get(_INSTANCE, {}).values()
                  if body.get("stack_set_name") in names)
