"""Each command's own job through the installed `landingzone` command: what it prints, what it writes, what it
reads (validate never loads the bindings; plan-check and down --local do not need the whole configuration)."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

import yaml

from entry_point import landingzone

PLANS = Path(__file__).parent / "fixtures" / "plans"


def test_validate_never_imports_the_bindings(project: Path) -> None:
    """Python's own import log of the real process: no cdktf, jsii or constructs module is ever imported."""
    result = landingzone("validate", "--root", str(project), env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time")}
    assert "landingzone.config.loader" in imported  # the log is real, and it covers our own modules
    assert sorted(m for m in imported if m.split(".")[0] in ("cdktf", "jsii", "constructs")) == []
    assert sorted(m for m in imported if m.split(".")[0] == "rich") == []  # off a terminal, plain text needs no Rich


def test_list_prints_what_the_model_holds(project: Path) -> None:
    accounts = landingzone("list", "accounts", "--root", str(project))
    assert accounts.returncode == 0
    rows = [line.split() for line in accounts.stdout.splitlines()[1:]]
    assert rows[0] == ["name", "ou", "environment", "email", "vpc", "segment", "workloads", "file"]
    assert rows[4] == ["prod", "Workloads/Prod", "prod", "aws-prod@acme-corp.example", "10.20.0.0/16", "prod",
                       "meeting-recorder", "accounts/prod.yaml"]
    names = landingzone("list", "stacks", "--quiet", "--root", str(project)).stdout.split()
    assert names[:2] == ["bootstrap", "org"] and len(names) == 16  # admin (Spacelift) included
    ous = json.loads(landingzone("--json", "list", "ous", "--root", str(project)).stdout)["ous"]
    assert ous[0] == {"path": "Root", "accounts": ["management"], "scps": []}
    assert {"path": "Workloads", "accounts": [], "scps": ["deny-unapproved-regions", "protect-s3-public-access",
                                                          "control-object-encryption"]} in ous
    segments = json.loads(landingzone("list", "segments", "--json", "--root", str(project)).stdout)["segments"]
    assert [s["vpcs"] for s in segments] == [[], ["prod 10.20.0.0/16"], ["dev 10.31.0.0/16", "staging 10.30.0.0/16"]]


def test_graph_prints_waves(project: Path) -> None:
    result = landingzone("graph", "--root", str(project))
    assert result.returncode == 0
    assert ["4", "baseline-prod", "prod", "org, security, network"] in [
        line.split(maxsplit=3) for line in result.stdout.splitlines()]
    waves = json.loads(landingzone("graph", "--json", "--root", str(project)).stdout)["waves"]
    assert [s["name"] for s in waves[0]] == ["bootstrap"]


def test_new_account_writes_a_valid_manifest_in_free_address_space_and_prints_the_diff(project: Path) -> None:
    result = landingzone("new-account", "research", "--ou", "Workloads/NonProd", "--email",
                         "aws-research@acme-corp.example", "--segment", "nonprod", "--root", str(project))
    assert result.returncode == 0, result.stderr
    written = project / "accounts" / "research.yaml"
    text = written.read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/account.schema.json"
    assert result.stdout.splitlines()[1:4] == ["--- /dev/null", "+++ b/accounts/research.yaml",
                                               f"@@ -0,0 +1,{len(text.splitlines())} @@"]
    assert [line[1:] for line in result.stdout.splitlines()[4:4 + len(text.splitlines())]] == text.splitlines()
    manifest = yaml.safe_load(text)
    assert manifest["network"] == {"vpc_cidr": "10.1.0.0/16", "segment": "nonprod", "az_count": 2}
    assert (manifest["environment"], manifest["budget"]["monthly_limit_usd"]) == ("dev", 800)  # from dev.yaml
    assert "copied from accounts/dev.yaml" in result.stderr
    assert result.stdout.splitlines()[-1] == ("landingzone: wrote accounts/research.yaml; the configuration "
                                              "validates with it, and synth adds baseline-research")
    taken = [ipaddress.ip_network(c) for c in ("10.0.0.0/22", "10.20.0.0/16", "10.30.0.0/16", "10.31.0.0/16",
                                                  "192.168.0.0/16", "172.16.0.0/12")]
    assert not any(ipaddress.ip_network(manifest["network"]["vpc_cidr"]).overlaps(t) for t in taken)
    again = landingzone("new-account", "research-2", "--ou", "Workloads/NonProd", "--email",
                        "aws-research-2@acme-corp.example", "--segment", "nonprod", "--prefix", "20", "--json",
                        "--root", str(project))
    document = json.loads(again.stdout)
    assert document["manifest"]["vpc_cidr"] == "10.0.16.0/20"  # the lowest /20 past the endpoints' 10.0.0.0/22
    assert document["stacks_added"] == ["baseline-research-2"]
    assert landingzone("validate", "--root", str(project)).returncode == 0


def test_new_account_writes_nothing_on_error(project: Path) -> None:
    before = sorted(p.name for p in (project / "accounts").iterdir())
    typo = landingzone("new-account", "research", "--ou", "Workloads/Prodd", "--email",
                       "aws-research@acme-corp.example", "--root", str(project))
    assert (typo.returncode, typo.stderr) == (3, "landingzone: --ou: 'Workloads/Prodd' is not an OU in "
                                                 "config/organization.yaml (known: Security, Infrastructure, "
                                                 "Workloads, Workloads/Prod, Workloads/NonProd); did you mean "
                                                 "'Workloads/Prod'?\n")
    taken = landingzone("new-account", "research", "--ou", "Workloads/Prod", "--email", "aws-prod@acme-corp.example",
                        "--root", str(project))
    assert taken.returncode == 2 and "is already the email of accounts/prod.yaml:3" in taken.stderr
    exists = landingzone("new-account", "dev", "--ou", "Workloads/NonProd", "--email", "aws-dev2@acme-corp.example",
                         "--root", str(project))
    assert (exists.returncode, exists.stderr) == (3, "landingzone: accounts/dev.yaml exists already; choose another "
                                                     "name, or edit that file\n")
    nothing_to_copy = landingzone("new-account", "lab", "--ou", "Workloads", "--email", "aws-lab@acme-corp.example",
                                  "--root", str(project))
    assert nothing_to_copy.returncode == 3
    assert "--environment is needed: no account in this OU to copy it from" in nothing_to_copy.stderr
    overlap = landingzone("new-account", "lab", "--ou", "Workloads/Prod", "--email", "aws-lab@acme-corp.example",
                          "--segment", "prod", "--cidr", "10.20.128.0/20", "--tag", "Team=lab", "--root", str(project))
    assert overlap.returncode == 2
    assert overlap.stderr.splitlines()[0] == ("accounts/prod.yaml:11: network.vpc_cidr: 10.20.0.0/16 of account 'prod' "
                                              "overlaps 10.20.128.0/20 of account 'lab' (accounts/lab.yaml:11)")
    dry = landingzone("new-account", "lab", "--ou", "Workloads/Prod", "--email", "aws-lab@acme-corp.example",
                      "--dry-run", "--root", str(project))
    assert dry.returncode == 0 and "+name: lab" in dry.stdout and "would write accounts/lab.yaml" in dry.stdout
    assert sorted(p.name for p in (project / "accounts").iterdir()) == before


def test_plan_check_reads_only_what_it_needs(project: Path, tmp_path: Path) -> None:
    """An SCP document and identity.yaml that do not validate leave plan-check working; a manifest that does not
    read stops it (its decommission marker might allow the change)."""
    (project / "policies" / "scp" / "deny-root-user.json").write_text('{"Version": "2012-10-17", "Statement": [,]}')
    identity = project / "config" / "identity.yaml"
    identity.write_text(identity.read_text().replace("permission_set: AdminAccess", "permission_set: Nope", 1))
    assert landingzone("validate", "--root", str(project)).returncode == 2
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(json.loads((PLANS / "account-removed.json").read_text())["plan"]))
    failing = landingzone("plan-check", str(plan), "--stack", "org", "--root", str(project))
    assert failing.returncode == 1, failing.stderr
    dev = project / "accounts" / "dev.yaml"
    dev.write_text(dev.read_text() + "decommission:\n  reason: dev moves to the sandbox organization\n"
                   "  account: true\n")
    assert landingzone("plan-check", str(plan), "--stack", "org", "--root", str(project)).returncode == 0
    dev.write_text(dev.read_text() + "budget: [not a budget\n")
    unreadable = landingzone("plan-check", str(plan), "--stack", "org", "--root", str(project))
    assert unreadable.returncode == 2 and unreadable.stderr.startswith("accounts/dev.yaml:")


def test_down_local_works_with_a_broken_config_and_up_needs_local(project: Path) -> None:
    (project / "config" / "organization.yaml").write_text("organization: [this is: not valid\n")
    (project / "accounts" / "prod.yaml").write_text("\t\x00 not yaml either")
    up = landingzone("up", "--root", str(project))
    assert up.returncode == 3
    assert up.stderr.startswith("landingzone: up: only --local is supported")
    assert not (project / ".landingzone").exists()
    down = landingzone("down", "--local", "--root", str(project))
    assert (down.returncode, down.stderr) == (0, "")
    assert re.fullmatch(r"landingzone: no local AWS is running; its local state is forgotten\n"
                        r"landingzone: down --local done in \d+ s\n", down.stdout)


def test_schema_and_docs_regenerate_and_check(project: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    assert landingzone("schema", "--check", "--root", str(root)).returncode == 0
    assert landingzone("docs", "--check", "--root", str(root)).returncode == 0
    stale = landingzone("schema", "--check", "--root", str(project))  # a copy without schemas/
    assert stale.returncode == 1
    assert "landingzone: schemas/account.schema.json is not current; run `landingzone schema` and commit it" \
        in stale.stderr.splitlines()
    written = landingzone("schema", "--root", str(project))
    assert written.returncode == 0
    assert (project / "schemas" / "account.schema.json").read_text() == (
        root / "schemas" / "account.schema.json").read_text()
    assert landingzone("schema", "--check", "--root", str(project)).returncode == 0
    (project / "accounts" / "dev.yaml").write_text(
        "\n".join((project / "accounts" / "dev.yaml").read_text().splitlines()[1:]) + "\n")
    notes = landingzone("schema", "--root", str(project)).stderr
    assert re.search(r"^note: accounts/dev.yaml: its first line is not `# yaml-language-server: "
                     r"\$schema=../schemas/account.schema.json`", notes, re.MULTILINE)
    docs = landingzone("docs", "--root", str(project))
    assert (docs.returncode, docs.stdout) == (0, "landingzone: wrote docs/reference.md\n")
