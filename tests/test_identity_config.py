"""config/identity.yaml: assignment expansion, names as addresses, SCIM token dates; failures are fixtures in
fixtures/config/identity-*."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from landingzone import ConfigError, load_landing_zone
from landingzone.config.identity import address, address_part, expand_assignments, scim_token_expiry, session_minutes


def active(lz):
    return [a for a in lz.accounts if not a.decommissioned]


def test_example_maps_the_reference_group_table(example) -> None:
    triples = expand_assignments(example.identity, active(example))
    by_group: dict[tuple[str, str], list[str]] = {}
    for group, permission_set, account in triples:
        by_group.setdefault((group, permission_set), []).append(account)
    assert by_group[("aws-developers", "PowerUserAccess")] == ["dev", "staging"]
    assert by_group[("aws-developers", "ReadOnlyAccess")] == ["prod"]
    assert by_group[("aws-lambda-team", "LambdaDeveloper")] == ["dev", "prod", "staging"]
    assert by_group[("aws-readonly", "ReadOnlyAccess")] == [a.name for a in example.accounts]
    assert "management" in by_group[("aws-admins", "AdminAccess")]
    assert example.identity.permission_set("AdminAccess").managed_policies == ("AdministratorAccess",)


def test_ou_includes_nested_ous_and_root_is_every_account(project: Path) -> None:
    config = project / "config" / "identity.yaml"
    config.write_text(config.read_text().replace("    ous: [Workloads/NonProd]\n", "    ous: [Workloads]\n"))
    lz = load_landing_zone(project)
    powerusers = [a for g, p, a in expand_assignments(lz.identity, active(lz)) if p == "PowerUserAccess"]
    assert powerusers == ["dev", "prod", "staging"]


def test_decommissioned_accounts_get_no_assignments(project: Path) -> None:
    dev = project / "accounts" / "dev.yaml"
    dev.write_text(dev.read_text() + "decommission:\n  reason: moves to the sandbox organization\n  account: true\n")
    lz = load_landing_zone(project)
    assert "dev" not in {a for _, _, a in expand_assignments(lz.identity, active(lz))}


def test_group_names_that_share_an_address_are_refused(project: Path) -> None:
    config = project / "config" / "identity.yaml"
    config.write_text(config.read_text().replace("  - aws-readonly\n", "  - aws-readonly\n  - aws_ops\n  - aws.ops\n"))
    with pytest.raises(ConfigError) as raised:
        load_landing_zone(project)
    assert str(raised.value) == (
        "config/identity.yaml:25: groups[4]: group 'aws.ops' names the same Terraform resources as 'aws_ops' "
        "(line 24); group names are unique")


def test_entra_stack_needs_identity_center_saml_values(project: Path) -> None:
    config = project / "config" / "identity.yaml"
    text = config.read_text()
    start, end = text.index("  # Shown by the console"), text.index("\nentra:")
    config.write_text(text[:start] + text[end:])
    with pytest.raises(ConfigError) as raised:
        load_landing_zone(project)
    assert str(raised.value).endswith("entra.stack: the entra stack needs identity_center.saml (acs_url and "
                                      "issuer_url, which the IAM Identity Center console shows; see "
                                      "runbooks/identity-center.md)")


def test_saml_federation_needs_identity_file(project: Path) -> None:
    (project / "config" / "identity.yaml").unlink()
    with pytest.raises(ConfigError) as raised:
        load_landing_zone(project)
    assert str(raised.value) == ("accounts/prod.yaml:16: saml_federation: needs config/identity.yaml: the identity "
                                 "stack holds the SAML provider and roles")


def test_identity_file_is_optional(project: Path) -> None:
    (project / "config" / "identity.yaml").unlink()
    prod = project / "accounts" / "prod.yaml"
    text = prod.read_text()
    prod.write_text(text[:text.index("# API clients")] + text[text.index("budget:"):])
    assert load_landing_zone(project).identity is None


def test_addresses_keep_parts_apart() -> None:
    assert address("aws-admins", "AdminAccess", "prod") == "aws-admins__AdminAccess__prod"
    assert address("Cloud Ops.Team", "Ops_Admin", "dev") == "Cloud_Ops_Team__Ops_Admin__dev"
    assert address_part("_x__y_") == "x_y"  # no `__` inside a part, none at its ends


@pytest.mark.parametrize(("text", "minutes"), [("PT1H", 60), ("PT1H30M", 90), ("PT12H", 720), ("PT90M", 90),
                                               ("8h", None), ("PT", None), ("P1D", None)])
def test_session_duration_parsing(text: str, minutes: int | None) -> None:
    assert session_minutes(text) == minutes


def test_scim_token_expires_a_year_after_issue() -> None:
    assert scim_token_expiry(dt.date(2025, 9, 15)) == dt.date(2026, 9, 15)
    assert scim_token_expiry(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_config_layer_imports_no_cdktf() -> None:
    import subprocess
    import sys
    code = ("import sys, landingzone.config, landingzone.documents.identity_runbook; "
            "sys.exit(any(m.startswith(('cdktf', 'constructs')) for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
