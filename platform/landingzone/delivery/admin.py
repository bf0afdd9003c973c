"""The `admin` stack, in the management account: the Spacelift stacks that run every other stack, and itself.

- one `spacelift_stack` per stack, slug = its landingzone name (what `TF_VAR_spacelift_stack_id` gives a run and
  what `.spacelift/config.yml` is keyed by), state in our S3 backend (`manage_state = false`);
- one `spacelift_stack_dependency` per edge of the stack graph, and a `spacelift_stack_dependency_reference`
  for each value a stack reads from the org stack's outputs (an edge to org is added where the graph reaches org
  only through other stacks: references travel along direct edges);
- one `spacelift_aws_integration` per AWS account, assuming that account's deployer role, attached to every
  stack in the account (`bootstrap` for reading only: it is applied by hand, with the operator's credentials);
- the plan policies of `policies/spacelift/` (REGO_V1), attached to every stack;
- `spacelift_role_attachment` (space admin) for itself, and drift detection for every stack.

The admin stack is created by hand once (README, "Spacelift"); its own `spacelift_stack` adopts it by import.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from cdktf import App, TerraformStack
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.delivery import DELIVERY_FILE
from landingzone.config.spacelift import Spacelift
from landingzone.constructs.ids import logical_id
from landingzone.constructs.naming import literal
from landingzone.constructs.sources import SourceMap
from landingzone.constructs.spacelift import adopt, data_source, resource, use_provider, write_blocks
from landingzone.delivery.backends import configure
from landingzone.delivery.inputs import StackInputs, declared_variables
from landingzone.delivery.spacelift_config import TRIGGER_GLOBS, WORKDIR
from landingzone.topology import ADMIN, BOOTSTRAP, StackSpec, stack_specs
from landingzone.topology.inputs import ORGANIZATION_ID, ROOT_ID, account_id_input
from landingzone.topology.order import dependencies

POLICIES_DIR = Path("policies") / "spacelift"
WORKFLOW_TOOLS = {"terraform": "TERRAFORM_FOSS", "opentofu": "OPEN_TOFU"}
ORG = "org"


def build_admin_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    assert lz.delivery is not None and lz.delivery.spacelift is not None, "only with a spacelift section"
    spacelift = lz.delivery.spacelift
    stack = TerraformStack(scope, spec.name)
    configure(stack, lz, spec.name)
    use_provider(stack)
    specs = stack_specs(lz)
    protected = protected_stacks(spacelift, specs)
    stacks = {s.name: _stack(stack, lz, s, s.name in protected) for s in specs}
    adopt(stack, "spacelift_stack", ADMIN, ADMIN)
    _integrations(stack, lz, specs, stacks)
    _dependencies(stack, stacks, specs, org_inputs(lz, scope, specs, stack))
    _policies(stack, lz, stacks)
    role = data_source(stack, "spacelift_role", "space_admin", {"slug": "space-admin"})
    resource(stack, "spacelift_role_attachment", ADMIN, {"role_id": role, "space_id": spacelift.space,
                                                         "stack_id": stacks[ADMIN]})
    for name, stack_id in stacks.items():
        drift = spacelift.drift_detection
        resource(stack, "spacelift_drift_detection", name, {
            "stack_id": stack_id, "schedule": list(drift.schedule), "timezone": drift.timezone,
            # bootstrap's runs may not write (see _integrations), so it could never reconcile
            "reconcile": drift.reconcile and name not in protected and name != BOOTSTRAP})
    write_blocks(stack)
    sources.record(stack, DELIVERY_FILE)
    return stack


def protected_stacks(spacelift: Spacelift, specs: Sequence[StackSpec]) -> set[str]:
    from fnmatch import fnmatchcase

    return {s.name for s in specs if any(fnmatchcase(s.name, pattern) for pattern in spacelift.protected_stacks)}


def _stack(scope: Construct, lz: LandingZone, spec: StackSpec, protected: bool) -> str:
    assert lz.delivery is not None and lz.delivery.spacelift is not None
    spacelift, workflow = lz.delivery.spacelift, lz.delivery.workflow
    labels = {*spacelift.labels, "landingzone", f"account:{spec.account}"} | ({"protected"} if protected else set())
    after = ", ".join(spec.depends_on) or "nothing"
    return resource(scope, "spacelift_stack", spec.name, {
        "name": spec.name, "slug": spec.name, "description": f"landingzone stack `{spec.name}` (account "
        f"{spec.account}), after {after}. Generated from {DELIVERY_FILE}: change it there.",
        "repository": spacelift.repository, "branch": spacelift.branch, "project_root": WORKDIR,
        "additional_project_globs": sorted(TRIGGER_GLOBS), "space_id": spacelift.space, "labels": sorted(labels),
        "runner_image": spacelift.runner_image, "worker_pool_id": spacelift.worker_pool,
        "terraform_workflow_tool": WORKFLOW_TOOLS[workflow.tool], "terraform_version": workflow.release(),
        # every stack keeps its state in the S3 backend of config/delivery.yaml
        "manage_state": False, "autodeploy": spacelift.autodeploy, "protect_from_deletion": protected})


def org_inputs(lz: LandingZone, scope: Construct, specs: Sequence[StackSpec], admin: TerraformStack
               ) -> dict[str, list[str]]:
    """Each stack's Terraform variables that org's outputs fill, read from the stack as built: as the workers of a
    parallel synth report them (`declare_elsewhere`), from `scope` where this synth builds it too, else built
    aside (never written). Other stacks are built before admin (it comes last in `specs`), so a full synth builds
    nothing twice."""
    outputs = {ORGANIZATION_ID, ROOT_ID} | {account_id_input(a.name) for a in lz.accounts}
    elsewhere: Mapping[str, Sequence[str]] = getattr(scope, _ELSEWHERE, {})
    found = {}
    with tempfile.TemporaryDirectory(prefix="landingzone-admin-") as scratch:
        aside = App(outdir=scratch, stack_traces=False)
        for spec in specs:
            if spec.name in elsewhere:
                found[spec.name] = sorted(set(elsewhere[spec.name]) & outputs)
                continue
            built = admin if spec.name == ADMIN else scope.node.try_find_child(spec.name)
            if built is None:
                built = spec.load_builder()(aside, lz, spec, SourceMap())
            found[spec.name] = sorted(_variables(built) & outputs)
    return found


def declare_elsewhere(app: Construct, declared: Mapping[str, Sequence[str]]) -> None:
    """Tell the admin stack about to be built into `app` the variables of stacks other processes built."""
    setattr(app, _ELSEWHERE, dict(declared))


_ELSEWHERE = "lz_declared_elsewhere"  # the attribute of the app that holds them


def variables_of(stack: object) -> list[str]:
    """The variables a stack built by `AppBuild.add` declares, for a parallel synth's admin stack."""
    return sorted(_variables(stack)) if isinstance(stack, TerraformStack) else []


def _variables(stack: object) -> set[str]:
    assert isinstance(stack, TerraformStack)
    return declared_variables(stack)


def _dependencies(scope: Construct, stacks: Mapping[str, str], specs: Sequence[StackSpec],
                  inputs: Mapping[str, Sequence[str]]) -> None:
    for name, after in sorted(dependencies(specs).items()):
        edges = sorted({*after, *([ORG] if inputs.get(name) and ORG not in after else [])})
        for dep in edges:
            edge = logical_id(name, "after", dep)
            dependency = resource(scope, "spacelift_stack_dependency", edge, {
                "stack_id": stacks[name], "depends_on_stack_id": stacks[dep]})
            for variable in inputs.get(name, []) if dep == ORG else []:
                resource(scope, "spacelift_stack_dependency_reference", logical_id(name, variable), {
                    "stack_dependency_id": dependency, "output_name": variable, "input_name": f"TF_VAR_{variable}"})


def _integrations(scope: TerraformStack, lz: LandingZone, specs: Sequence[StackSpec],
                  stacks: Mapping[str, str]) -> None:
    """One integration per AWS account, assuming its deployer role; the admin stack takes the IDs of accounts
    the org stack creates as inputs (`account_id_<name>`), which its reference to org's outputs fills."""
    assert lz.delivery is not None and lz.delivery.spacelift is not None
    spacelift = lz.delivery.spacelift
    inputs = StackInputs(scope, lz)
    names = {a.name for a in lz.accounts}
    for account in sorted({s.account for s in specs if s.account in names}):
        account_id = inputs.account_id(lz.account(account))
        integration = resource(scope, "spacelift_aws_integration", account, {
            "name": f"landingzone-{account}", "role_arn": f"arn:aws:iam::{account_id}:role/{lz.deployer_role}",
            "duration_seconds": spacelift.aws_integration.duration_seconds, "space_id": spacelift.space,
            "labels": sorted({"landingzone", f"account:{account}"}), "generate_credentials_in_worker": False})
        for spec in (s for s in specs if s.account == account):
            resource(scope, "spacelift_aws_integration_attachment", spec.name, {
                "integration_id": integration, "stack_id": stacks[spec.name], "read": True,
                "write": spec.name != BOOTSTRAP})


def _policies(scope: Construct, lz: LandingZone, stacks: Mapping[str, str]) -> None:
    assert lz.delivery is not None and lz.delivery.spacelift is not None
    for path in policy_files(lz.root):
        name = logical_id("policy", path.stem)
        policy = resource(scope, "spacelift_policy", name, {
            "name": f"landingzone-{path.stem}", "body": literal(path.read_text()), "type": "PLAN",
            # the provider's default engine is the older Rego v0; these policies are written for Rego v1
            "engine_type": "REGO_V1", "space_id": lz.delivery.spacelift.space,
            "labels": ["landingzone"], "description": _summary(path)})
        for stack_name, stack_id in stacks.items():
            resource(scope, "spacelift_policy_attachment", logical_id(name, stack_name),
                     {"policy_id": policy, "stack_id": stack_id})


def policy_files(root: Path) -> list[Path]:
    """The plan policies: every `policies/spacelift/*.rego` but the `*_test.rego` files that test them."""
    return sorted(p for p in (root / POLICIES_DIR).glob("*.rego") if not p.name.endswith("_test.rego"))


def _summary(path: Path) -> str:
    """The policy's first comment line, which says what it refuses."""
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return f"{path.name} from {POLICIES_DIR}"
