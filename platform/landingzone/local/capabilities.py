"""What the local AWS (moto 5.2.5 in server mode) cannot hold, measured against hashicorp/aws 5.100.0.

Each entry is a resource type Terraform cannot create there, with the error it hit when tried. Local mode leaves
these out and says so; it never stands something else in for them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any


@dataclass(frozen=True)
class Unsupported:
    resource_type: str  # a data source as `data.<type>`
    reason: str  # the error Terraform reported against moto, shortened
    # Only blocks whose attribute has this value, where the type itself works. A string is a pattern (* and ?)
    # matched against a string attribute as it is and against any other as its JSON.
    when: tuple[str, Any] | None = None
    # What in the configuration meets an entry the shipped example does not (it leaves that option off): the
    # tests meet it with a copy of the example that sets it.
    met_by: str = ""

    def matches(self, resource_type: str, body: Mapping[str, Any]) -> bool:
        if resource_type != self.resource_type:
            return False
        if self.when is None:
            return True
        key, expected = self.when
        value = body.get(key)
        if isinstance(expected, str):
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            return value is not None and fnmatchcase(text, expected)
        return bool(value == expected)


UNSUPPORTED: tuple[Unsupported, ...] = (
    Unsupported("aws_accessanalyzer_analyzer", "CreateAnalyzer: HTTP 500 (not implemented)"),
    Unsupported("aws_batch_compute_environment", "CreateComputeEnvironment: ClientException: ServiceRole is "
                "required (AWS uses the Batch service-linked role when it is left out, as Fargate environments do)"),
    Unsupported("aws_bedrock_guardrail", "CreateGuardrail: HTTP 500 (not implemented)"),
    Unsupported("aws_budgets_budget", "DescribeSubscribersForNotification: HTTP 500 (not implemented), read "
                "after every create"),
    Unsupported("aws_ce_anomaly_monitor", "CreateAnomalyMonitor: HTTP 500 (not implemented)"),
    Unsupported("data.aws_route53_zone", "no matching Route 53 Hosted Zone found: moto makes a zone private only "
                "when CreateHostedZone says HostedZoneConfig.PrivateZone=true, which the provider never sends (AWS "
                "infers it from the VPC), so the central zones are public there and a private lookup misses them",
                when=("private_zone", True)),
    Unsupported("aws_ec2_transit_gateway_vpc_attachment", "CreateTransitGatewayVpcAttachment: "
                "InvalidTransitGatewayID.NotFound: a spoke account sees the hub only through the RAM share, which "
                "moto cannot hold (aws_ram_resource_share)", when=("transit_gateway_id", "${data.*")),
    Unsupported("data.aws_subnets", "a subnet of a VPC that is not the default one matched default-for-az=true: "
                "moto marks the first subnet created by AvailabilityZoneId (as every landingzone VPC's are) "
                "DefaultForAz, so the default-subnet lookup would take the stacks' own subnets (aws_default_subnet "
                "then fails with DefaultSubnetAlreadyExistsInAvailabilityZone, or a re-plan adds them)",
                when=("filter", '*"default-for-az"*')),
    Unsupported("data.aws_ec2_transit_gateway_route_table", "multiple EC2 Transit Gateway Route Tables matched: "
                "moto's DescribeTransitGatewayRouteTables ignores tag:Name filters and returns every table"),
    Unsupported("aws_guardduty_detector_feature", "reading GuardDuty Detector Feature (<detector>/<feature>): "
                "empty result: moto's UpdateDetector replaces the detector's whole feature list with the features "
                "the call names (AWS updates only those), so of a detector's features only the last one written "
                "reads back"),
    Unsupported("aws_guardduty_organization_configuration", "UpdateOrganizationConfiguration: HTTP 404 "
                "(not implemented)"),
    Unsupported("aws_iam_organizations_features", "EnableOrganizationsRootCredentialsManagement: HTTP 500 "
                "(not implemented), and the organization cannot trust iam.amazonaws.com there (LIST_WORKAROUNDS)"),
    Unsupported("aws_iam_saml_provider", "TagSAMLProvider: NotImplementedError (HTTP 500) while applying the "
                "provider's default tags"),
    Unsupported("aws_organizations_delegated_administrator", "RegisterDelegatedAdministrator: InvalidInputException: "
                "You specified an unrecognized service principal (moto knows config-multiaccountsetup only)",
                when=("service_principal", "config.amazonaws.com")),
    Unsupported("aws_organizations_policy", "CreatePolicy: NotImplementedError: The BACKUP_POLICY policy type has "
                "not been implemented (HTTP 500)", when=("type", "BACKUP_POLICY")),
    # Measured with the provider on the local AWS: RESOURCE_CONTROL_POLICY and AISERVICES_OPT_OUT_POLICY enable,
    # create, attach and re-plan with no changes (DescribeEffectivePolicy answers HTTP 500, but nothing reads it).
    Unsupported("aws_organizations_policy", "CreatePolicy: InvalidInputException: You specified an invalid value "
                "(moto knows no DECLARATIVE_POLICY_EC2)", when=("type", "DECLARATIVE_POLICY_EC2"),
                met_by="declarative_ec2"),
    Unsupported("aws_organizations_organization", "EnablePolicyType: InvalidInputException: You specified an invalid "
                "value (moto knows no DECLARATIVE_POLICY_EC2, so an organization that enables it cannot be created)",
                when=("enabled_policy_types", '*"DECLARATIVE_POLICY_EC2"*'), met_by="declarative_ec2"),
    Unsupported("aws_ram_resource_share", "reading RAM Resource Share permissions: ListResourceSharePermissions: "
                "HTTP 404 (not implemented)"),
    Unsupported("aws_s3_account_public_access_block", "PutPublicAccessBlock (S3 Control): no such host "
                "<account>.127.0.0.1: S3 Control puts the account ID in the host name, which loopback cannot resolve"),
    Unsupported("aws_s3_bucket_lifecycle_configuration", "timeout while waiting for the rules to read back "
                "(3m0s): the provider sends And.ObjectSizeGreaterThan=0 with every prefix-and-tag filter and moto "
                "drops ObjectSizeGreaterThan, so the rules never compare equal", when=("rule", '*"and": [[]{*')),
    Unsupported("aws_s3_bucket_logging", "PutBucketLogging: HTTP 500 (moto's log-permission check fails with "
                "AttributeError on a target bucket policy whose Principal is \"*\", as every TLS-only policy's is)"),
    Unsupported("aws_securityhub_account", "UpdateSecurityHubConfiguration: HTTP 500 (not implemented)"),
    Unsupported("aws_cloudformation_stack_set_instance", "CreateStackInstances: EntityAlreadyExists: Role with name "
                "LandingZoneDeployer already exists: moto deploys a service-managed StackSet to the management account "
                "too, which AWS never does and where the bootstrap stack creates that role itself; and moto has no "
                "automatic deployment, so accounts created afterwards would get no role anyway (measured in "
                "tests/test_moto_measurements.py)"),
    Unsupported("aws_ssoadmin_permission_set", "ListTagsForResource (SSO Admin): HTTP 500 (not implemented)"),
    Unsupported("aws_ram_sharing_with_organization", "reading IAM Role (AWSServiceRoleForResourceAccessManager): "
                "couldn't find resource (EnableSharingWithAwsOrganization creates no service-linked role)"),
)

@dataclass(frozen=True)
class Workaround:
    """A moto behaviour that breaks an apply or a re-plan which real AWS would pass, met in local mode only by
    setting attributes and ignoring the ones moto reports differently."""

    resource_type: str
    behaviour: str
    settings: tuple[tuple[str, Any], ...] = ()
    ignore_changes: tuple[str, ...] = ()


WORKAROUNDS: tuple[Workaround, ...] = (
    Workaround(
        "aws_ec2_transit_gateway_vpc_attachment",
        "moto gives every Transit Gateway a default route table even with default association and propagation "
        "disabled; the provider then disassociates a new attachment from it, and moto's "
        "DisassociateTransitGatewayRouteTable raises KeyError (HTTP 500) because it was never associated. "
        "Asking for the default association makes the provider skip that call; moto still associates nothing, "
        "so the re-plan would flip it back",
        settings=(("transit_gateway_default_route_table_association", True),
                  ("transit_gateway_default_route_table_propagation", True)),
        ignore_changes=("transit_gateway_default_route_table_association",
                        "transit_gateway_default_route_table_propagation")),
    Workaround("aws_ec2_transit_gateway_vpc_attachment",
               "moto keeps the tags CreateTransitGatewayVpcAttachment carries but returns none when the attachment "
               "is described, so every re-plan would add them again",
               ignore_changes=("tags", "tags_all")),
    Workaround("aws_cloudformation_stack_set", "moto's DescribeStackSet returns neither AutoDeployment, "
               "Capabilities nor ManagedExecution, and empty parameters, tags and operation preferences, so every "
               "re-plan would replace the StackSet (auto_deployment forces it), which prevent_destroy refuses",
               ignore_changes=("auto_deployment", "capabilities", "managed_execution", "operation_preferences",
                               "parameters", "tags", "tags_all")),
    Workaround("aws_network_acl", "moto's DescribeNetworkAcls leaves IcmpTypeCode out of every entry, so the "
               "inbound ICMP rule (type 3 code 4: path MTU discovery) reads back as type 0 code 0 and every re-plan "
               "would set it again", ignore_changes=("ingress",)),
    Workaround("aws_backup_vault", "moto's ListTags returns nothing for a backup vault created with tags, so "
               "every re-plan would add the default tags again", ignore_changes=("tags", "tags_all")),
    Workaround("aws_lambda_function", "moto's GetFunction leaves LoggingConfig out, so every re-plan would set "
               "the JSON log format and levels again", ignore_changes=("logging_config",)),
    Workaround("aws_s3_bucket_notification", "moto's GetBucketNotificationConfiguration leaves "
               "EventBridgeConfiguration out, so every re-plan would turn EventBridge delivery on again",
               ignore_changes=("eventbridge",)),
)


@dataclass(frozen=True)
class PolicyWorkaround:
    """A statement left out of one resource's JSON `policy` in local copies, where moto would refuse what real
    AWS allows."""

    resource_type: str
    name: str  # the resource's name in the stack's JSON
    sid: str
    behaviour: str


POLICY_WORKAROUNDS: tuple[PolicyWorkaround, ...] = (
    PolicyWorkaround("aws_s3_bucket_policy", "s3_policy_state", "DenyInsecureTransport",
                     "moto 5.2.5 evaluates aws:SecureTransport against the loopback endpoint's plain HTTP, so the "
                     "state bucket's TLS-only deny refuses Terraform's own state reads (HeadObject: 403 Forbidden) "
                     "and no stack could init its S3 backend; real runners reach S3 over TLS"),
    PolicyWorkaround("aws_s3_bucket_policy", "s3_policy_state", "RunnersNeverWriteBootstrapState",
                     "moto 5.2.5 applies a bucket policy's Deny to every caller whatever its Principal (PutObject: "
                     "403 for a caller the statement does not name), so the deny aimed at the runners would refuse "
                     "the operator's own move of the bootstrap stack's state into the bucket"),
    PolicyWorkaround("aws_s3_bucket_policy", "s3_policy_state", "RunnersNeverWriteBootstrapStateFromDeployerRoles",
                     "the same deny for the deployer roles of the organization (with spacelift in "
                     "config/delivery.yaml): moto 5.2.5 would apply it to the operator too"),
)


@dataclass(frozen=True)
class ListWorkaround:
    """A value left out of one list attribute in local copies, where moto refuses it and real AWS does not; what
    needs the value is left out by an `Unsupported` entry of its own."""

    resource_type: str
    attribute: str
    value: str
    behaviour: str


LIST_WORKAROUNDS: tuple[ListWorkaround, ...] = (
    ListWorkaround("aws_organizations_organization", "aws_service_access_principals", "iam.amazonaws.com",
                   "EnableAWSServiceAccess: InvalidInputException: You specified an unrecognized service principal "
                   "(moto 5.2.5's list of trusted services has no iam.amazonaws.com, which centralized root access "
                   "needs), so an organization that trusts it could not be created or adopted; locally it trusts "
                   "the others, and the re-plan compares the same list"),
)


def unsupported(resource_type: str, body: Mapping[str, Any]) -> Unsupported | None:
    return next((u for u in UNSUPPORTED if u.matches(resource_type, body)), None)
