"""End to end: the shipped example deployed with `landingzone up --local` to moto on loopback, read back with
boto3, re-planned without changes, refused when an account is removed, and torn down with `down --local`.

One deployment serves the whole module (it takes minutes); the tests after it read what it left.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import copy_example
from landingzone.cli import main
from landingzone.config import load_landing_zone
from landingzone.gates.plan_safety import check_plan
from landingzone.gates.terraform import TerraformUnavailable
from landingzone.local import server
from landingzone.local.capabilities import UNSUPPORTED
from landingzone.local.clients import LocalClients
from landingzone.local.runner import StackTerraform
from landingzone.local.workspace import Workspace, write_local_stacks
from landingzone.stacks import decommission_allowlist, stack_specs
from landingzone.stacks.synth import synthesize

# A statement whose condition holds policy variables: they must reach AWS as written, not as Terraform references.
VARIABLES_STATEMENT = {
    "Sid": "DenySessionTagsForOthers", "Effect": "Deny", "Action": "sts:TagSession", "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestTag/owner": ["${aws:username}", "${aws:PrincipalTag/team}"]}},
}


@dataclass(frozen=True)
class Run:
    code: int
    out: str


def _cli(*args: str) -> Run:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(args))
    return Run(code, out.getvalue())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if shutil.which("terraform") is None:
        pytest.fail(str(TerraformUnavailable("terraform is not on PATH")), pytrace=False)
    root = copy_example(tmp_path_factory.mktemp("local") / "project")
    scp = root / "policies" / "scp" / "deny-leave-organization.json"
    document = json.loads(scp.read_text())
    document["Statement"].append(VARIABLES_STATEMENT)
    scp.write_text(json.dumps(document, indent=2) + "\n")
    yield root
    server.stop(Workspace.of(root).root)  # whatever the tests did, no server outlives them


@pytest.fixture(scope="module")
def up(project: Path) -> Run:
    return _cli("up", "--local", "--root", str(project))


def _report_rows(out: str) -> dict[str, list[str]]:
    header = out.index("  stack                     account")
    rows = {}
    for line in out[header:].splitlines()[1:]:
        fields = line.split()
        if len(fields) != 6 and not (len(fields) == 7 and fields[-2:] == ["no", "changes"]):
            break
        rows[fields[0]] = fields[1:]
    return rows


def test_up_deploys_the_example_verifies_it_and_re_plans_without_changes(up: Run) -> None:
    assert up.code == 0, up.out
    rows = _report_rows(up.out)
    lz_specs = [s.name for s in stack_specs(load_landing_zone(Path(__file__).resolve().parents[1])) if s.validate]
    assert sorted(rows) == sorted(lz_specs)
    for name, (_, status, _resources, seconds, *replan) in rows.items():
        assert status == "ok", name
        assert float(seconds) > 0, name
        assert replan == ["no", "changes"], name
    assert int(rows["org"][2]) > 20 and int(rows["baseline-prod"][2]) > 50
    match = re.search(r"verified with boto3: (\d+) of (\d+) checks passed", up.out)
    assert match and match.group(1) == match.group(2) and int(match.group(2)) > 30, up.out


def test_the_left_out_list_matches_the_capability_table(up: Run) -> None:
    lines = up.out[up.out.index("left out locally"):].splitlines()[2:]
    shown = lines[:next(i for i, line in enumerate(lines) if not line.startswith("  "))]
    section = "\n".join(shown)
    reasons = {entry.reason for entry in UNSUPPORTED}
    assert shown
    printed_reasons = {reason for reason in reasons if reason in section}
    assert printed_reasons == reasons
    for line in shown:
        assert any(reason in line for reason in reasons) or "refers to" in line or "(whole stack)" in line, line
    assert re.search(r"^  entra +\(whole stack\)", section, re.MULTILINE)


def test_each_service_endpoint_is_set_once(project: Path, up: Run) -> None:
    """An alias beside its primary name (cloudwatchlogs and logs) draws a provider warning on every run."""
    logs = sorted(Workspace.of(project).stacks_dir.glob("*/apply.log"))
    assert len(logs) >= 12
    for log in logs:
        text = log.read_text()
        assert "Apply complete" in text, log
        assert "Only one of the following attributes should be set" not in text, log


def test_the_stacks_in_cdktf_out_are_untouched_by_local_mode(project: Path, up: Run) -> None:
    assert not (project / "cdktf.out").exists()
    synthesized = json.loads((Workspace.of(project).synth_dir / "stacks" / "org" / "cdk.tf.json").read_text())
    assert all("endpoints" not in p for p in synthesized["provider"]["aws"])


def test_scps_read_back_byte_equal_with_their_policy_variables(project: Path, up: Run) -> None:
    lz = load_landing_zone(project)
    clients = LocalClients(lz, server.running(Workspace.of(project).root).endpoint)  # type: ignore[union-attr]
    org = clients.management("organizations")
    policies = {p["Name"]: p["Id"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]}
    scp = next(s for s in lz.scps if s.name == "deny-leave-organization")
    content = org.describe_policy(PolicyId=policies[scp.name])["Policy"]["Content"]
    assert content == scp.content
    assert '"${aws:username}","${aws:PrincipalTag/team}"' in content


def test_removing_an_account_is_refused_by_the_plan_gate_and_prevent_destroy(project: Path, up: Run,
                                                                             tmp_path: Path) -> None:
    workspace = Workspace.of(project)
    local = server.running(workspace.root)
    assert local is not None
    changed = copy_example(tmp_path / "changed")
    (changed / "accounts" / "dev.yaml").unlink()
    lz = load_landing_zone(changed)
    specs = [s for s in stack_specs(lz) if s.name == "org"]
    synthesize(lz, specs, tmp_path / "out")
    write_local_stacks(lz, workspace, ["org"], local.endpoint, synthesized=tmp_path / "out")
    stacks = StackTerraform(workspace.terraform(), workspace.stacks_dir)

    planned = stacks.plan("org")
    assert "delete aws_organizations_account.account_dev" in planned.detail.splitlines()
    report = check_plan(stacks.show_plan("org"), decommission_allowlist(lz, "org"), "org")
    assert not report.ok
    assert [f.address for f in report.failed] == ["aws_organizations_account.account_dev"]

    # prevent_destroy guards the accounts still in the config: Terraform refuses to plan their destruction.
    refused = stacks.plan("org", "-destroy")
    assert refused.status == "failed"
    assert "Instance cannot be destroyed" in refused.detail
    assert "aws_organizations_account.account_prod" in refused.detail


def test_down_stops_the_local_aws_and_forgets_its_state(project: Path, up: Run) -> None:
    workspace = Workspace.of(project)
    local = server.running(workspace.root)
    assert local is not None
    held = workspace.resource_counts()
    assert held["org"] > 20
    down = _cli("down", "--local", "--root", str(project))
    assert down.code == 0, down.out
    assert f"it held {sum(held.values())} resources in {len(held)} stacks" in down.out
    assert server.running(workspace.root) is None
    assert not local.alive()
    assert not workspace.stacks_dir.exists()
    again = _cli("down", "--local", "--root", str(project))
    assert again.code == 0 and "no local AWS is running" in again.out
