"""The model of `config/organization.yaml`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from landingzone.config.security import BackupPolicy, SecurityConfig
from landingzone.config.types import (
    AccountName,
    Decommission,
    OuPath,
    PolicyName,
    Region,
    RelativeFile,
    Strict,
    TagKey,
    TagValue,
)

DEFAULT_SERVICE_PRINCIPALS = (
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "sso.amazonaws.com",
    "ram.amazonaws.com",
    "tagpolicies.tag.amazonaws.com",
    "backup.amazonaws.com",
)


class OrganizationSettings(Strict):
    """The organization itself.

    ```yaml
    organization:
      name: acme
      home_region: us-east-1
      allowed_regions: [us-east-1, us-west-2]
    ```
    """

    name: AccountName = Field(description="Short name, used in descriptions and tags.")
    id: str | None = Field(default=None, pattern=r"^o-[a-z0-9]{10,32}$", description="An existing organization's "
                           "ID: it is adopted with an import block. Left out: the org stack creates one.")
    deployer_role: str = Field(default="LandingZoneDeployer", pattern=r"^[\w+=,.@-]{1,64}$", description="Role "
                               "each stack's provider assumes in its account, where the account ID is known.")
    break_glass_role: str | None = Field(default=None, pattern=r"^[\w+=,.@-]{1,64}$", description="The role people "
                                         "use when everything else fails, in every account; validation refuses an "
                                         "SCP that would lock it out. Left out: only the deployer role and "
                                         "scp_parameters.exempt_role_arns are protected.")
    home_region: Region = Field(description="Region of the management stacks' providers; must be allowed.")
    allowed_regions: tuple[Region, ...] = Field(min_length=1, description="Regions the region-deny SCP allows.")
    service_access_principals: tuple[str, ...] = Field(
        default=DEFAULT_SERVICE_PRINCIPALS,
        description="AWS services trusted by the organization. Left out: what the landing zone's stacks use.",
    )
    enabled_policy_types: tuple[Literal["SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY",
                                        "AISERVICES_OPT_OUT_POLICY"], ...] = Field(
        default=("SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY"),
        description="Organization policy types to enable. Left out: SCP, tag and backup policies.",
    )


class CoreAccounts(Strict):
    """Which manifests play the landing zone's fixed roles."""

    management: AccountName = Field(description="The organization's management account; it stays in Root.")
    log_archive: AccountName
    audit: AccountName
    shared_services: AccountName


class RequiredTag(Strict):
    """A tag every account (and, through default tags, every resource) must carry."""

    key: TagKey
    values: tuple[TagValue, ...] | None = Field(
        default=None, min_length=1, description="Allowed values, enforced by the tag policy. Left out: any value."
    )


class Targets(Strict):
    """Where a policy is attached. Every list is empty when left out."""

    root: bool = False
    ous: tuple[OuPath, ...] = ()
    accounts: tuple[AccountName, ...] = ()


class ServiceControlPolicy(Strict):
    """An SCP document in `policies/scp/`, with `{{ placeholders }}` filled from `scp_parameters`."""

    name: PolicyName
    file: RelativeFile
    description: str = Field(min_length=1, max_length=512)
    attach_to: Targets


class ExternalPolicy(Strict):
    """An SCP attached outside landingzone (Control Tower, another team); it counts against the quota."""

    name: str = Field(min_length=1)
    attach_to: Targets


class OrganizationalUnit(Strict):
    """An OU, named by its path from Root: `Workloads/Prod`. Parents are declared before children."""

    path: OuPath


class ScpLimits(Strict):
    """Quotas checked before AWS would refuse the change."""

    max_per_target: int = Field(default=5, ge=1, le=5, description="SCPs attached per root, OU or account.")
    count_full_aws_access: bool = Field(
        default=True, description="AWS attaches FullAWSAccess to every target; it counts unless you detached it."
    )


class OrganizationConfig(Strict):
    """The whole of `config/organization.yaml`."""

    organization: OrganizationSettings
    core_accounts: CoreAccounts
    required_tags: tuple[RequiredTag, ...] = ()
    default_tags: dict[TagKey, TagValue] = Field(
        default_factory=dict, description="Tags every account gets unless its manifest sets them."
    )
    organizational_units: tuple[OrganizationalUnit, ...] = Field(min_length=1)
    service_control_policies: tuple[ServiceControlPolicy, ...] = ()
    external_scps: tuple[ExternalPolicy, ...] = ()
    scp_limits: ScpLimits = ScpLimits()
    decommission: Decommission | None = Field(
        default=None, description="Organization-wide resources (OUs, policies) that may be deleted or replaced."
    )
    security: SecurityConfig | None = Field(default=None, description="Organization-wide detection and the "
                                            "`security` stack; see SecurityConfig.")
    backup_policy: BackupPolicy | None = Field(default=None, description="Daily AWS Backup of resources tagged "
                                               "`Backup=daily`, in every account; see BackupPolicy.")
    scp_parameters: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="Values for `{{ name }}` placeholders. `allowed_regions` and `home_region` are always defined.",
    )
