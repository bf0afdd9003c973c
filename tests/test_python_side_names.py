"""What the synth keeps on the Python side instead of asking Node (each a round trip per resource) must be
what Node would have answered: addresses written by `ref`, construct paths of `Part`, a stack's variables, and
Spacelift blocks whose arguments are given once."""

from __future__ import annotations

import json
from pathlib import Path

from cdktf import App, TerraformResource, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from constructs import Construct

from landingzone.config import load_landing_zone
from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part, path_of
from landingzone.constructs.spacelift import adopt, data_source, resource, write_blocks
from landingzone.delivery.inputs import StackInputs, declared_variables

ROOT = Path(__file__).resolve().parent.parent


class Outer(Part):
    def __init__(self, scope: Construct, id_: str) -> None:
        super().__init__(scope, id_)
        self.inner = Part(self, "inner")


def synthesized(app: App, outdir: Path, stack: str) -> dict:
    app.synth()
    return json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text())


def test_ref_writes_what_the_binding_reference_resolves_to(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), stack_traces=False)
    stack = TerraformStack(app, "refs")
    AwsProvider(stack, "aws", region="eu-west-1")
    nested = Outer(stack, "outer").inner
    role = pin(IamRole(nested, "role", name="r", assume_role_policy="{}"), "iam_role", "r")
    account = pin(DataAwsCallerIdentity(nested, "me"), "account", "me")
    pairs = {"arn": (role.arn, ref(role, "arn")), "unique_id": (role.unique_id, ref(role, "unique_id")),
             "account_id": (account.account_id, ref(account, "account_id")),
             "embedded": (f"arn:aws:iam::{account.account_id}:root", f"arn:aws:iam::{ref(account, 'account_id')}:root")}
    for key, (token, written) in pairs.items():
        SsmParameter(stack, f"binding-{key}", name=f"/b/{key}", type="String", value=token)
        SsmParameter(stack, f"ref-{key}", name=f"/r/{key}", type="String", value=written)
    parameters = synthesized(app, tmp_path, "refs")["resource"]["aws_ssm_parameter"]
    for key in pairs:
        assert parameters[f"ref-{key}"]["value"] == parameters[f"binding-{key}"]["value"]
    assert parameters["ref-arn"]["value"] == "${aws_iam_role.iam_role_r.arn}"
    assert parameters["ref-account_id"]["value"] == "${data.aws_caller_identity.account_me.account_id}"


def test_a_part_knows_the_path_node_gives_it(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), stack_traces=False)
    stack = TerraformStack(app, "paths")
    outer = Outer(stack, "outer")
    for construct in (stack, outer, outer.inner):
        assert path_of(construct) == construct.node.path
    assert outer.inner.lz_path == "paths/outer/inner"


def test_a_stacks_declared_variables_are_those_in_its_construct_tree(tmp_path: Path) -> None:
    from cdktf import TerraformVariable

    lz = load_landing_zone(ROOT)
    app = App(outdir=str(tmp_path), stack_traces=False)
    stack = TerraformStack(app, "inputs")
    first, second = StackInputs(stack, lz), StackInputs(stack, lz)
    first.organization_id()
    second.root_id()
    first.session_name()
    second.organization_id()  # already declared, through the other instance: not declared twice
    in_tree = {c.node.id for c in stack.node.find_all() if isinstance(c, TerraformVariable)}
    assert declared_variables(stack) == in_tree
    variables = synthesized(app, tmp_path, "inputs")["variable"]
    assert set(variables) == in_tree  # each under its own name: no override needed for a child of the stack


def test_spacelift_blocks_written_at_once_synthesize_like_constructs_built_by_overrides(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), stack_traces=False, skip_validation=True)
    stack, other = TerraformStack(app, "blocks"), TerraformStack(app, "constructs")
    arguments = {"name": "org", "labels": ["a", "b"], "nested": {"k": [1, True]}, "absent": None,
                 "stack_id": "${spacelift_stack.other.id}"}
    assert resource(stack, "spacelift_stack", "org", arguments) == "${spacelift_stack.org.id}"
    assert data_source(stack, "spacelift_role", "admin", {"slug": "space-admin"}) == "${data.spacelift_role.admin.id}"
    adopt(stack, "spacelift_stack", "org", "org-id")
    write_blocks(stack)
    by_overrides = TerraformResource(other, "spacelift_stack.org", terraform_resource_type="spacelift_stack")
    by_overrides.override_logical_id("org")
    for key, value in arguments.items():
        if value is not None:
            by_overrides.add_override(key, value)
    by_overrides.import_from("org-id")
    app.synth()
    written = json.loads((tmp_path / "stacks" / "blocks" / "cdk.tf.json").read_text())
    built = json.loads((tmp_path / "stacks" / "constructs" / "cdk.tf.json").read_text())
    block, construct = written["resource"]["spacelift_stack"]["org"], built["resource"]["spacelift_stack"]["org"]
    assert block.pop("//") == {"metadata": {"path": "blocks/spacelift_stack.org", "uniqueId": "org"}}
    assert construct.pop("//") == {"metadata": {"path": "constructs/spacelift_stack.org", "uniqueId": "org"}}
    assert block == construct
    assert written["import"] == built["import"] == [{"id": "org-id", "to": "spacelift_stack.org"}]
    assert written["data"]["spacelift_role"]["admin"] == {
        "//": {"metadata": {"path": "blocks/data.spacelift_role.admin", "uniqueId": "admin"}}, "slug": "space-admin"}
