"""The model of `config/organization.yaml`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from landingzone.config.ai_opt_out import AiServicesOptOut
from landingzone.config.baseline import BaselineConfig
from landingzone.config.declarative_ec2 import DeclarativeEc2
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
    Targets,
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
    "iam.amazonaws.com",
)


PolicyType = Literal["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY",
                     "AISERVICES_OPT_OUT_POLICY", "DECLARATIVE_POLICY_EC2"]


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
    enabled_policy_types: tuple[PolicyType, ...] | None = Field(
        default=None,
        description="Organization policy types to enable; disabling a type detaches all its policies. Left out: "
                    "SCP, tag and backup policies, and RCPs, AI services opt-out and declarative EC2 policies where "
                    "the configuration uses them.",
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


class PolicyFile(Strict):
    """A policy document in the repository, attached where `attach_to` says."""

    name: PolicyName
    file: RelativeFile
    description: str = Field(min_length=1, max_length=512)
    attach_to: Targets


class ServiceControlPolicy(PolicyFile):
    """An SCP document in `policies/scp/`, with `{{ placeholders }}` filled from `scp_parameters`."""


class ResourceControlPolicy(PolicyFile):
    """An RCP document in `policies/rcp/`, with `{{ placeholders }}` filled from `scp_parameters` (and the built-in
    `{{ organization_id }}`). It denies access to the resources of member accounts, whoever asks.

    ```yaml
    resource_control_policies:
      - name: data-perimeter
        file: policies/rcp/data-perimeter.json
        description: Only our identities, from our networks, reach our data.
        attach_to: {root: true}
    ```
    """


class ExternalPolicy(Strict):
    """A policy attached outside landingzone (Control Tower, another team); it counts against the quota."""

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


class RcpLimits(Strict):
    """The RCP quota, checked before AWS would refuse the change. AWS's RCPFullAWSAccess is attached to every target
    and cannot be detached, so it always counts."""

    max_per_target: int = Field(default=5, ge=1, le=5, description="RCPs attached per root, OU or account, "
                                "RCPFullAWSAccess included.")


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
    resource_control_policies: tuple[ResourceControlPolicy, ...] = Field(
        default=(), description="RCPs; validation refuses one that would cut AWS services off the log archive, "
                                "its key or the state bucket, or the pipeline off the deployer role.")
    external_rcps: tuple[ExternalPolicy, ...] = Field(default=(), description="RCPs attached outside landingzone; "
                                                      "they count against rcp_limits.")
    rcp_limits: RcpLimits = RcpLimits()
    ai_services_opt_out: AiServicesOptOut = Field(
        default=AiServicesOptOut(), description="The AI services opt-out policy. Left out: every AI service opted "
                                                "out at Root, and no OU or account may opt back in.")
    declarative_ec2: DeclarativeEc2 | None = Field(
        default=None, description="A declarative EC2 policy (image and snapshot block public access, IMDSv2, "
                                  "serial console, VPC block public access). Left out: none.")
    decommission: Decommission | None = Field(
        default=None, description="Organization-wide resources (OUs, policies) that may be deleted or replaced."
    )
    security: SecurityConfig | None = Field(default=None, description="Organization-wide detection and the "
                                            "`security` stack; see SecurityConfig.")
    backup_policy: BackupPolicy | None = Field(default=None, description="Daily AWS Backup of resources tagged "
                                               "`Backup=daily`, in every account; see BackupPolicy.")
    baseline: BaselineConfig = Field(default_factory=BaselineConfig, description="Default VPCs, root access and "
                                     "alternate contacts of every account; see BaselineConfig.")
    scp_parameters: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="Values for `{{ name }}` placeholders in SCPs and RCPs. `allowed_regions`, `home_region` and "
                    "`organization_id` are always defined.",
    )

    def policy_types(self) -> tuple[str, ...]:
        """The policy types the org stack enables: `organization.enabled_policy_types`, or what the config uses."""
        if self.organization.enabled_policy_types is not None:
            return self.organization.enabled_policy_types
        # SCP, tag and backup policies stay enabled as they always were: disabling a type detaches every policy of
        # it, those attached outside landingzone included.
        used = {"TAG_POLICY": True, "SERVICE_CONTROL_POLICY": True, "BACKUP_POLICY": True,
                "RESOURCE_CONTROL_POLICY": bool(self.resource_control_policies or self.external_rcps),
                "AISERVICES_OPT_OUT_POLICY": self.ai_services_opt_out.enabled,
                "DECLARATIVE_POLICY_EC2": self.declarative_ec2 is not None}
        return tuple(sorted(kind for kind, needed in used.items() if needed))
