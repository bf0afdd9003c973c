"""The `org` stack: organization, OUs, member accounts, SCPs and the tag policy, in the management account.

Its outputs are the IDs other stacks take as inputs (`account_id_<name>`, `organization_id`,
`organization_root_id`), named as the variables that receive them.
"""

from __future__ import annotations

import json

from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.ram_sharing_with_organization import RamSharingWithOrganization
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.model import target_keys
from landingzone.config.organization import RequiredTag, Targets
from landingzone.config.security import BackupPolicy
from landingzone.constructs.accounts import AccountSpec, MemberAccount
from landingzone.constructs.backup_vault import BACKUP_ROLE, BACKUP_TAG, BACKUP_VALUE, VAULT_NAME
from landingzone.constructs.ids import logical_id
from landingzone.constructs.naming import pin
from landingzone.constructs.organization import Organization
from landingzone.constructs.organizational_units import OrganizationalUnits
from landingzone.constructs.policies import OrganizationPolicy, PolicyTarget
from landingzone.constructs.sources import SourceMap
from landingzone.delivery.providers import MANAGED_BY
from landingzone.stacks.base import AccountProviders, plain_stack
from landingzone.topology import StackSpec
from landingzone.topology.inputs import ORGANIZATION_ID, ROOT_ID, account_id_input

# CloudFormation's trusted access, which the bootstrap stack's StackSet needs: the organization resource owns the
# whole list of trusted services, so leaving it out would switch that access off again.
STACKSETS_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"


def build_org_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    stack = plain_stack(scope, lz, spec.name)
    org_file = "config/organization.yaml"
    settings = lz.organization.organization
    management = lz.management
    # Only organisation-wide defaults go to the provider: member accounts must not inherit the management
    # account's Owner or CostCenter through tags_all. Organisation resources take the management account's tags.
    AccountProviders(stack, lz, management, settings.home_region, account_tags=False)
    platform_tags = dict(management.tags)
    principals = [*settings.service_access_principals, *([STACKSETS_PRINCIPAL] if lz.delivery else [])]
    org = sources.record(Organization(stack, "organization", policy_types=settings.enabled_policy_types,
                                      service_access_principals=sorted(set(principals)), adopt_id=settings.id),
                         org_file)
    if lz.network is not None:
        # The network stack shares the Transit Gateway with the organization as a principal, which RAM
        # accepts only once the management account has turned sharing within the organization on.
        sources.record(pin(RamSharingWithOrganization(stack, "ram-sharing", depends_on=[org.resource]),
                           "ram_sharing", "organization"), "config/network.yaml")
    ous = sources.record(OrganizationalUnits(stack, "ous", root_id=org.root_id, paths=lz.ou_paths,
                                             tags=platform_tags), org_file)
    accounts = {
        account.name: sources.record(MemberAccount(stack, f"account-{account.name}", spec=AccountSpec(
            name=account.name, email=account.manifest.email, parent_id=ous.id_of(account.ou),
            tags=account.tags, adopt_id=account.manifest.id)), account.file).account_id
        for account in lz.member_accounts()
    }

    # CreatePolicy fails until the organization exists, and nothing else in a policy refers to it.
    after_org = [org.resource]

    def resolve(targets: Targets) -> list[PolicyTarget]:
        ids = {"root": lambda _: org.root_id, "ou": ous.id_of, "account": accounts.__getitem__}
        return [PolicyTarget("root" if kind == "root" else logical_id(kind, name), ids[kind](name))
                for kind, name in target_keys(targets)]

    for scp in lz.scps:
        sources.record(OrganizationPolicy(
            stack, f"scp-{scp.name}", name=scp.name, policy_type="SERVICE_CONTROL_POLICY", content=scp.content,
            description=scp.description, targets=resolve(scp.attach_to), tags=platform_tags,
            depends_on=after_org), scp.file)
    backup = lz.organization.backup_policy
    if "TAG_POLICY" in settings.enabled_policy_types:
        sources.record(OrganizationPolicy(
            stack, "tag-policy", name="required-tags", policy_type="TAG_POLICY",
            content=tag_policy_document(lz.organization.required_tags, backup is not None),
            description=f"Tags every {settings.name} resource carries, with their allowed values.",
            targets=resolve(Targets(root=True)), tags=platform_tags,
            depends_on=after_org), org_file)
    if backup is not None:
        sources.record(OrganizationPolicy(
            stack, "backup-policy", name="daily-backups", policy_type="BACKUP_POLICY",
            content=backup_policy_document(backup, settings.home_region),
            description=f"Daily AWS Backup of every {settings.name} resource tagged {BACKUP_TAG}={BACKUP_VALUE}.",
            targets=resolve(Targets(root=True)), tags=platform_tags,
            depends_on=after_org), org_file)
    _outputs(stack, lz, org, accounts)
    return stack


def _outputs(stack: TerraformStack, lz: LandingZone, org: Organization, accounts: dict[str, str]) -> None:
    """The IDs other stacks take as variables of the same names."""
    management = lz.management
    ids = {**accounts, management.name: management.manifest.id or org.resource.master_account_id}
    for name in sorted(ids):
        TerraformOutput(stack, account_id_input(name), value=ids[name],
                        description=f"The ID of account {name}").override_logical_id(account_id_input(name))
    TerraformOutput(stack, ORGANIZATION_ID, value=org.resource.id,
                    description="The organization's ID").override_logical_id(ORGANIZATION_ID)
    TerraformOutput(stack, ROOT_ID, value=org.root_id,
                    description="The ID of the organization's root").override_logical_id(ROOT_ID)


# Every resource carries these through the providers' default tags; `Backup` selects what the backup policy saves.
MANDATORY_TAGS = ("Environment", "Project", "Owner", "CostCenter", "ManagedBy")


def tag_policy_document(required: tuple[RequiredTag, ...], backups: bool) -> str:
    """A tag policy fixing the capitalisation of every landingzone tag key and, where config lists them, the
    values; `Backup` may only be `daily` while the backup policy selects on it, so a typo is reported rather
    than silently never backed up."""
    rules: dict[str, dict[str, object]] = {key: {"tag_key": {"@@assign": key}} for key in MANDATORY_TAGS}
    for key, value in MANAGED_BY.items():
        rules[key]["tag_value"] = {"@@assign": [value]}
    if backups:
        rules[BACKUP_TAG] = {"tag_key": {"@@assign": BACKUP_TAG}, "tag_value": {"@@assign": [BACKUP_VALUE]}}
    for tag in required:
        rule: dict[str, object] = {"tag_key": {"@@assign": tag.key}}
        if tag.values:
            rule["tag_value"] = {"@@assign": list(tag.values)}
        rules[tag.key] = rule
    return json.dumps({"tags": {key.lower(): rules[key] for key in sorted(rules)}}, separators=(",", ":"))


def backup_policy_document(backup: BackupPolicy, home_region: str) -> str:
    """One daily plan into each account's `landingzone` vault, selecting by tag with the baseline's backup role.
    `$account` is the backup policy's own variable for the member account's ID, filled in by AWS."""
    plan = {
        "regions": {"@@assign": [home_region]},
        "rules": {"daily": {
            "schedule_expression": {"@@assign": backup.schedule},
            "start_backup_window_minutes": {"@@assign": "60"},
            "complete_backup_window_minutes": {"@@assign": "720"},
            "lifecycle": {"delete_after_days": {"@@assign": str(backup.retention_days)}},
            "target_backup_vault_name": {"@@assign": VAULT_NAME}}},
        "selections": {"tags": {"tagged-daily": {
            "iam_role_arn": {"@@assign": f"arn:aws:iam::$account:role/{BACKUP_ROLE}"},
            "tag_key": {"@@assign": BACKUP_TAG},
            "tag_value": {"@@assign": [BACKUP_VALUE]}}}},
    }
    return json.dumps({"plans": {"landingzone-daily": plan}}, separators=(",", ":"))

