"""The SOC 2 criteria and ISO 27001 controls the reference architecture (section 5) names, and which kinds of
synthesized resource implement each. Matching is by resource type, narrowed by attribute values where one type
serves several controls (an organization policy is an SCP, an RCP, a tag, backup, AI services opt-out or
declarative policy)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Match:
    """Resources of `type` whose attributes equal `where` (all of them)."""

    type: str
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Control:
    framework: str
    id: str
    title: str
    evidence: str  # what the reference architecture names as evidence
    matches: tuple[Match, ...] = ()
    # Evidence that lives outside Terraform, or what the reference asks for that no stack builds.
    notes: tuple[str, ...] = field(default=())


SCP = Match("aws_organizations_policy", (("type", "SERVICE_CONTROL_POLICY"),))
BACKUP_POLICY = Match("aws_organizations_policy", (("type", "BACKUP_POLICY"),))
TAG_POLICY = Match("aws_organizations_policy", (("type", "TAG_POLICY"),))
RCP = Match("aws_organizations_policy", (("type", "RESOURCE_CONTROL_POLICY"),))
AI_OPT_OUT = Match("aws_organizations_policy", (("type", "AISERVICES_OPT_OUT_POLICY"),))
DECLARATIVE_EC2 = Match("aws_organizations_policy", (("type", "DECLARATIVE_POLICY_EC2"),))
# The data perimeter (who may reach the organization's data, from where), the AI services opt-out (AWS may not
# keep what its AI services process) and the declarative EC2 baseline (no public images or snapshots, IMDSv2).
PERIMETER = (RCP, AI_OPT_OUT, DECLARATIVE_EC2)
IDENTITY_CENTER = (Match("aws_ssoadmin_permission_set"), Match("aws_ssoadmin_account_assignment"))
DETECTION = (Match("aws_guardduty_detector"), Match("aws_guardduty_organization_configuration"),
             Match("aws_securityhub_organization_configuration"), Match("aws_securityhub_configuration_policy"),
             Match("aws_securityhub_finding_aggregator"))
TRAIL_AND_LOGS = (Match("aws_cloudtrail"), Match("aws_cloudwatch_log_group"))
ROLES_AND_POLICIES = (Match("aws_iam_role"), Match("aws_iam_policy"), Match("aws_iam_role_policy"), SCP)
# The CIS AWS Foundations monitoring set on the organization trail, and what GuardDuty watches beyond it.
ALARMS = (Match("aws_cloudwatch_log_metric_filter"), Match("aws_cloudwatch_metric_alarm"))
THREAT_DETECTION = (Match("aws_guardduty_detector_feature"), Match("aws_guardduty_organization_configuration_feature"))
ACCOUNT_HYGIENE = (Match("aws_iam_account_password_policy"), Match("aws_iam_organizations_features"))
ENCRYPTION = (Match("aws_kms_key"), Match("aws_ebs_encryption_by_default"),
              Match("aws_s3_bucket_server_side_encryption_configuration"))

SOC2 = "SOC 2"
ISO = "ISO 27001"

CONTROLS: tuple[Control, ...] = (
    Control(SOC2, "CC1", "Control Environment", "IAM Identity Center configuration",
            (*IDENTITY_CENTER, Match("aws_organizations_organizational_unit"), Match("aws_organizations_account"))),
    Control(SOC2, "CC2", "Communication and Information", "CloudWatch Logs, CloudTrail", TRAIL_AND_LOGS),
    Control(SOC2, "CC3", "Risk Assessment", "Security Hub findings, GuardDuty alerts", DETECTION),
    Control(SOC2, "CC4", "Monitoring Activities", "CloudWatch dashboards, Config rules",
            (Match("aws_config_configuration_aggregator"), Match("aws_config_configuration_recorder"),
             Match("aws_budgets_budget"), Match("aws_ce_anomaly_subscription"), *ALARMS),
            ("No CloudWatch dashboards are built; Security Hub's controls run as Config rules in every account, and "
             "the CIS alarms on the organization trail notify `security.alarm_emails`.",)),
    Control(SOC2, "CC5", "Control Activities", "SCPs, IAM policies, encryption",
            (SCP, TAG_POLICY, Match("aws_iam_policy"), *ENCRYPTION, Match("aws_s3_account_public_access_block"))),
    Control(SOC2, "CC6", "Logical and Physical Access", "IAM Identity Center logs, MFA enforcement",
            (*IDENTITY_CENTER, Match("aws_iam_role"), Match("aws_iam_saml_provider"),
             Match("aws_accessanalyzer_analyzer"), *ACCOUNT_HYGIENE, Match("aws_vpc_endpoint"),
             Match("aws_s3_bucket_object_lock_configuration"), *PERIMETER),
            ("MFA is enforced by Entra ID at sign-in, not by an SCP: the reference's MFA SCP would deny every role "
             "session, the deployer's included (landingzone's validation refuses it).",)),
    Control(SOC2, "CC7", "System Operations", "CloudWatch metrics, Lambda execution logs",
            (Match("aws_flow_log"), Match("aws_cloudwatch_log_group"), Match("aws_guardduty_detector"), *ALARMS,
             *THREAT_DETECTION, Match("aws_bedrock_model_invocation_logging_configuration"),
             Match("aws_account_alternate_contact"))),
    Control(SOC2, "CC8", "Change Management", "Terraform state, Git commits", (),
            ("Evidence is outside the stacks: Git history, the gates' reports (reports/gates.sarif, "
             "reports/gates.junit.xml) and the plan-safety policy. No resource implements it.",)),
    Control(ISO, "A.9.2", "User Access Management", "IAM Identity Center user assignments",
            (*IDENTITY_CENTER, Match("aws_iam_organizations_features"))),
    Control(ISO, "A.9.4", "System and Application Access Control", "IAM policies, SCPs",
            (*ROLES_AND_POLICIES, Match("aws_iam_account_password_policy"))),
    Control(ISO, "A.10.1", "Cryptographic Controls", "KMS key usage, encryption status",
            (*ENCRYPTION, Match("aws_kms_alias"))),
    Control(ISO, "A.12.4", "Logging and Monitoring", "CloudTrail, CloudWatch Logs",
            (*TRAIL_AND_LOGS, Match("aws_flow_log"), Match("aws_s3_bucket_logging"),
             Match("aws_config_configuration_recorder"), *ALARMS, Match("aws_s3_bucket_object_lock_configuration"),
             Match("aws_bedrock_model_invocation_logging_configuration"))),
    Control(ISO, "A.12.6", "Management of Technical Vulnerabilities", "Security Hub, GuardDuty",
            (*DETECTION, *THREAT_DETECTION, Match("aws_ecr_repository"), Match("aws_ecr_lifecycle_policy"),
             Match("aws_ecr_registry_scanning_configuration")),
            ("No vulnerability scanner of instances (Amazon Inspector) is enabled; GuardDuty's malware, Lambda and "
             "runtime protections are, and ECR scans each image on push (basic scanning).",)),
    Control(ISO, "A.13.1", "Network Security Management", "VPC configuration, security groups",
            (Match("aws_vpc"), Match("aws_security_group"), Match("aws_default_security_group"),
             Match("aws_network_acl"), Match("aws_default_network_acl"), Match("aws_default_subnet"),
             Match("aws_ec2_transit_gateway_route_table"), Match("aws_vpc_endpoint"), *PERIMETER)),
    Control(ISO, "A.14.2", "Security in Development and Support", "Code reviews, CI/CD pipelines", (),
            ("Evidence is outside the stacks: code review and the CI gates (checkov, terraform validate, plan "
             "safety). No resource implements it.",)),
    Control(ISO, "A.17.2", "Information Security Continuity", "Backup procedures, disaster recovery plans",
            (BACKUP_POLICY, Match("aws_backup_vault"), Match("aws_s3_bucket_versioning")),
            ("The log archive is not replicated to a second region (see the CKV_AWS_144 suppression).",)),
)
