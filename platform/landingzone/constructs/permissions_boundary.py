"""The account's permissions boundary: the ceiling of every baseline role and of every role they create."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.archive_protection import archive_statements
from landingzone.constructs.backup_vault import BACKUP_ROLE
from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

BOUNDARY_NAME = "landingzone-boundary"
# Roles and policies that application teams create live under this path, and must carry the boundary.
WORKLOAD_PATH = "workloads"

# What no bounded role may do, whatever its own policy says: switch off detection, logging, encryption or
# backups, or widen the account's guardrails.
PROTECTED_ACTIONS = (
    "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors",
    "guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:DisassociateFromMasterAccount", "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount", "securityhub:DisassociateFromMasterAccount",
    "config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
    "config:PutConfigurationRecorder", "config:PutDeliveryChannel", "ec2:DeleteFlowLogs",
    "access-analyzer:DeleteAnalyzer", "ec2:DisableEbsEncryptionByDefault", "s3:PutAccountPublicAccessBlock",
    "kms:ScheduleKeyDeletion", "kms:DisableKey", "backup:DeleteBackupVault", "backup:PutBackupVaultAccessPolicy",
    "backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
    "ce:DeleteAnomalyMonitor", "ce:DeleteAnomalySubscription", "ce:UpdateAnomalySubscription", "budgets:ModifyBudget",
)


def boundary_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:policy/landingzone/{BOUNDARY_NAME}"


class PermissionsBoundary(Part):
    """Everything outside IAM, Organizations and Account settings; in IAM, reading, and managing roles and
    policies under `/workloads/` only while they carry this same boundary, so nothing a bounded role creates
    can exceed it. The boundary itself, the protected actions and the organization's log archive
    (`archive_buckets`, bucket-name patterns) are out of reach."""

    def __init__(self, scope: Construct, id_: str, *, account_id: str, archive_buckets: Sequence[str] = (),
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        arn = boundary_arn(account_id)
        workload_roles = f"arn:aws:iam::{account_id}:role/{WORKLOAD_PATH}/*"
        statements = [
            {"Sid": "ServicesOutsideIdentityAndOrganization", "Effect": "Allow",
             "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {"Sid": "ReadIam", "Effect": "Allow", "Resource": "*",
             "Action": ["iam:Get*", "iam:List*", "iam:GenerateServiceLastAccessedDetails",
                        "iam:SimulatePrincipalPolicy"]},
            # What SecurityAuditRole reads besides IAM: the organization's structure and the account's settings.
            {"Sid": "ReadOrganizationAndAccount", "Effect": "Allow", "Resource": "*",
             "Action": ["organizations:Describe*", "organizations:List*", "account:Get*", "account:List*"]},
            {"Sid": "ServiceLinkedRoles", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
             "Resource": f"arn:aws:iam::{account_id}:role/aws-service-role/*"},
            {"Sid": "PassBaselineAndWorkloadRoles", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": [workload_roles, f"arn:aws:iam::{account_id}:role/landingzone/LambdaExecutionRole",
                          f"arn:aws:iam::{account_id}:role/landingzone/APIGatewayRole"]},
            {"Sid": "PassBackupRoleToBackup", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": f"arn:aws:iam::{account_id}:role/{BACKUP_ROLE}",
             "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}},
            {"Sid": "CreateWorkloadRolesWithThisBoundary", "Effect": "Allow",
             "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy",
                        "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
             "Resource": workload_roles, "Condition": {"StringEquals": {"iam:PermissionsBoundary": arn}}},
            {"Sid": "KeepWorkloadRoles", "Effect": "Allow",
             "Action": ["iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole",
                        "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription"], "Resource": workload_roles},
            {"Sid": "KeepWorkloadPolicies", "Effect": "Allow",
             "Action": ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
                        "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
             "Resource": f"arn:aws:iam::{account_id}:policy/{WORKLOAD_PATH}/*"},
            {"Sid": "NoBoundaryChanges", "Effect": "Deny",
             "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
                        "iam:SetDefaultPolicyVersion"], "Resource": arn},
            {"Sid": "NoBoundaryRemoval", "Effect": "Deny", "Action": "iam:DeleteRolePermissionsBoundary",
             "Resource": "*"},
            {"Sid": "NoSecurityTampering", "Effect": "Deny", "Action": list(PROTECTED_ACTIONS), "Resource": "*"},
            # Keys are matched by alias: naming the key's ARN here would make the boundary wait for the key,
            # whose policy waits for the bounded roles.
            {"Sid": "NoLandingZoneKeyChanges", "Effect": "Deny", "Resource": "*",
             "Action": ["kms:PutKeyPolicy", "kms:DisableKeyRotation"],
             "Condition": {"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/landingzone/*"}}},
            {"Sid": "NoLandingZoneLogDeletion", "Effect": "Deny", "Action": ["logs:DeleteLogGroup",
                                                                            "logs:PutRetentionPolicy"],
             "Resource": f"arn:aws:logs:*:{account_id}:log-group:/landingzone/*"},
            *(archive_statements(archive_buckets) if archive_buckets else ()),
        ]
        self.policy = pin(IamPolicy(self, "policy", name=BOUNDARY_NAME, path="/landingzone/",
                                    description="Ceiling of every landingzone role and of the roles they create.",
                                    policy=json.dumps({"Version": "2012-10-17", "Statement": statements}),
                                    provider=provider), "iam_policy", "boundary")
