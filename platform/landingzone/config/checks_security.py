"""Checks across files for the security services, the backup policy and the account budgets."""

from __future__ import annotations

from collections.abc import Sequence

from landingzone.config.account import AccountManifest
from landingzone.config.checks_accounts import known
from landingzone.config.identity import IdentityConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.security import SERVICE_PRINCIPALS, SecurityConfig
from landingzone.config.uniqueness import unique
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

SECURITY_OU = "Security"
BACKUP_PRINCIPAL = "backup.amazonaws.com"
# The log-archive buckets are `<organization>-audit-logs-<account id>` and `<organization>-access-logs-<id>`;
# S3 bucket names stop at 63 characters.
BUCKET_SUFFIX = len("-access-logs-") + 12
MAX_BUCKET_NAME = 63


def log_bucket_name(organization: str, kind: str, account_id: str) -> str:
    """`acme-audit-logs-111122223333`: the account ID keeps it globally unique, the kind says what it holds
    (`audit`: the trail's files, `config`: AWS Config's, `access`: both buckets' access logs)."""
    return f"{organization}-{kind}-logs-{account_id}"


# The SCP landingzone attaches to the log-archive account itself whenever there is an archive to protect.
ARCHIVE_SCP = "protect-log-archive"


def archive_bucket_patterns(org: OrganizationConfig) -> tuple[str, ...]:
    """Name patterns of the log-archive buckets (`acme-audit-logs-*`), or none when no service writes there."""
    security = org.security
    if security is None or not (security.enabled("cloudtrail") or security.enabled("config")):
        return ()
    return tuple(log_bucket_name(org.organization.name, kind, "*") for kind in ("audit", "config", "access"))


def built_in_scps(org: OrganizationConfig) -> list[tuple[str, tuple[str, str]]]:
    """(name, (target kind, target name)) of the SCPs landingzone attaches itself; they count against quotas."""
    return [(ARCHIVE_SCP, ("account", org.core_accounts.log_archive))] if archive_bucket_patterns(org) else []


def check_security(org: OrganizationConfig, src: Source, manifests: Sequence[tuple[AccountManifest, Source]],
                   unreadable: Sequence[str], identity: IdentityConfig | None) -> list[Problem]:
    problems: list[Problem] = []
    if org.security is not None:
        problems += _check_administrator(org.security, src, manifests, unreadable, org.core_accounts.management)
        problems += _check_services(org, org.security, src)
        problems += _check_role_trust(org.security, src, identity)
        problems += _check_detection_settings(org.security, src)
    if org.backup_policy is not None:
        problems += _check_backup(org, src)
    return problems


def _check_administrator(security: SecurityConfig, src: Source, manifests: Sequence[tuple[AccountManifest, Source]],
                         unreadable: Sequence[str], management: str) -> list[Problem]:
    loc = ("security", "delegated_administrator")
    name = security.delegated_administrator
    found = {m.name: m for m, _ in manifests}
    if name in unreadable:
        return []
    if name not in found:
        return [src.problem(loc, f"'{name}' is not an account in accounts/ {known(sorted(found), name)}")]
    account = found[name]
    if account.decommissioned:
        return [src.problem(loc, f"'{name}' is being decommissioned; delegate to an account that stays")]
    if name == management:
        return [src.problem(loc, f"'{name}' is the management account; AWS delegates administration only to a "
                            "member account, and the management account should run no workloads")]
    if account.ou != SECURITY_OU and not account.ou.startswith(f"{SECURITY_OU}/"):
        return [src.problem(loc, f"'{name}' is in OU '{account.ou}'; the delegated administrator must be in the "
                            f"{SECURITY_OU} OU, where the security SCPs and access apply")]
    return []


def _check_services(org: OrganizationConfig, security: SecurityConfig, src: Source) -> list[Problem]:
    problems = unique(src, ("security", "services"), security.services, "service")
    trusted = set(org.organization.service_access_principals)
    for index, service in enumerate(security.services):
        missing = [p for p in SERVICE_PRINCIPALS[service] if p not in trusted]
        if missing:
            problems.append(src.problem(("security", "services", index), f"'{service}' needs the organization to "
                                        f"trust {', '.join(missing)}; add it to organization.service_access_"
                                        "principals"))
    if security.enabled("security-hub") and not security.enabled("config"):
        problems.append(src.problem(("security", "services"), "'security-hub' needs 'config': its controls "
                                    "evaluate the resources AWS Config records"))
    needs_bucket = security.enabled("cloudtrail") or security.enabled("config")
    longest = MAX_BUCKET_NAME - BUCKET_SUFFIX
    if needs_bucket and len(org.organization.name) > longest:
        problems.append(src.problem(("organization", "name"), f"'{org.organization.name}' is "
                                    f"{len(org.organization.name)} characters; the log-archive bucket names "
                                    f"built from it allow at most {longest}"))
    return problems


def _check_role_trust(security: SecurityConfig, src: Source, identity: IdentityConfig | None) -> list[Problem]:
    problems: list[Problem] = []
    names = list(dict.fromkeys(p.name for p in identity.permission_sets)) if identity is not None else None
    for role, sets in security.role_trust:
        problems += unique(src, ("security", "role_trust", role), sets, "permission set")
        if names is None:
            continue
        for index, name in enumerate(sets):
            if name not in names:
                problems.append(src.problem(("security", "role_trust", role, index), f"'{name}' is not a "
                                            f"permission set in config/identity.yaml {known(names, name)}"))
    return problems


# Settings that only mean something while their service runs: given without it, they would silently do nothing.
SETTING_NEEDS = {"alarm_emails": "cloudtrail", "trail": "cloudtrail", "guardduty_protections": "guardduty"}


def _check_detection_settings(security: SecurityConfig, src: Source) -> list[Problem]:
    problems = unique(src, ("security", "alarm_emails"), [e.lower() for e in security.alarm_emails], "email",
                      rule="each address is told once")
    problems += unique(src, ("security", "trail", "data_events"), security.trail.data_events, "data event source")
    problems += unique(src, ("security", "trail", "insights"), security.trail.insights, "insight type")
    problems += unique(src, ("security", "guardduty_protections"), security.guardduty_protections, "protection")
    for setting, service in SETTING_NEEDS.items():
        if setting in security.model_fields_set and not security.enabled(service):  # type: ignore[arg-type]
            problems.append(src.problem(("security", setting), f"has no effect without '{service}' in "
                                        "security.services; add the service or remove the setting"))
    return problems


def _check_backup(org: OrganizationConfig, src: Source) -> list[Problem]:
    # The policy type itself is checked with the other policy types (checks_accounts.check_policy_types).
    if BACKUP_PRINCIPAL not in org.organization.service_access_principals:
        return [src.problem(("backup_policy",), f"needs the organization to trust {BACKUP_PRINCIPAL}; add it to "
                            "organization.service_access_principals")]
    return []


def check_budgets(manifests: Sequence[tuple[AccountManifest, Source]]) -> list[Problem]:
    problems: list[Problem] = []
    for manifest, msrc in manifests:
        budget = manifest.budget
        problems += unique(msrc, ("budget", "alert_emails"), [e.lower() for e in budget.alert_emails], "email",
                           rule="each address is told once")
        problems += unique(msrc, ("budget", "alert_thresholds"), [str(t) for t in budget.alert_thresholds],
                           "threshold", rule="one alert per threshold")
    return problems
