"""The models of the `security:` and `backup_policy:` sections of `config/organization.yaml`, and of the
`budget:` block every account manifest carries."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from landingzone.config.types import AccountName, Email, LogRetentionDays, Strict

SecurityService = Literal["cloudtrail", "guardduty", "security-hub", "config", "access-analyzer"]
ALL_SERVICES: tuple[SecurityService, ...] = ("cloudtrail", "guardduty", "security-hub", "config", "access-analyzer")

# What each service needs the organization to trust before AWS accepts its delegated administrator or
# organization-wide settings.
SERVICE_PRINCIPALS: dict[str, tuple[str, ...]] = {
    "cloudtrail": ("cloudtrail.amazonaws.com",),
    "guardduty": ("guardduty.amazonaws.com",),
    "security-hub": ("securityhub.amazonaws.com",),
    "config": ("config.amazonaws.com",),
    "access-analyzer": ("access-analyzer.amazonaws.com",),
}

PermissionSetName = Annotated[str, StringConstraints(pattern=r"^[\w+=,.@-]{1,32}$")]


class LogRetention(Strict):
    """How long audit logs are kept, and whether anyone can shorten that."""

    archive_days: int = Field(default=2557, ge=365, le=36500, description="Days CloudTrail and Config files stay "
                              "in the log-archive buckets (7 years by default; at least a year for audits).")
    cloudwatch_days: LogRetentionDays = Field(default=365, description="CloudWatch Logs retention of the "
                                              "organization trail's log group.")
    object_lock: Literal["compliance", "governance", "off"] = Field(
        default="compliance", description="S3 Object Lock on the trail's archive, each file locked for "
        "`archive_days`. `compliance`: nobody, the root user included, can delete or shorten it, and the retention "
        "cannot be undone once files are written; `governance`: only principals allowed "
        "s3:BypassGovernanceRetention can (the archive SCP denies it to everyone but the deployer); `off`: "
        "deletion is denied by policy only. AWS Config cannot deliver to a bucket with default retention, so its "
        "files go to a bucket of their own without a lock.")


DataEventSource = Literal["audit-archive", "workload-buckets", "lambda"]
InsightType = Literal["ApiCallRateInsight", "ApiErrorRateInsight"]


class TrailSettings(Strict):
    """What the organization trail records besides management events. Each is billed on top of the first copy
    of management events (which is free): data events at $0.10 per 100,000 events, Insights at $0.35 per
    100,000 write management events analyzed, per insight type (us-east-1 prices, 2025).

    ```yaml
    trail:
      data_events: [audit-archive, workload-buckets, lambda]
      insights: [ApiCallRateInsight, ApiErrorRateInsight]
    ```
    """

    data_events: tuple[DataEventSource, ...] = Field(
        default=("audit-archive", "workload-buckets", "lambda"), description="`audit-archive`: every read of "
        "the log archives and every attempt to delete or re-lock a file in them (their own writes are left out, "
        "which would log themselves in a loop); `workload-buckets`: every object request to the buckets "
        "workloads declare as holding their data in any account (the meeting recorder's recordings and their "
        "access logs), billed per request the application makes; `lambda`: every Lambda invocation in the "
        "organization. Left out: all three.")
    insights: tuple[InsightType, ...] = Field(
        default=("ApiCallRateInsight", "ApiErrorRateInsight"), description="CloudTrail Insights on unusual "
        "write API call volume and error rates. Left out: both; `[]` turns Insights off.")


GuardDutyProtection = Literal["s3", "ebs-malware", "lambda", "runtime"]
ALL_PROTECTIONS: tuple[GuardDutyProtection, ...] = ("s3", "ebs-malware", "lambda", "runtime")


class RoleTrust(Strict):
    """Which Identity Center permission sets may assume each human role of the baseline, in the same account
    (`security_audit`: in the delegated administrator's account, from where the security team audits all).

    Only these: a PowerUser session could otherwise assume AdminRole and escape its permission set.
    """

    admin: tuple[PermissionSetName, ...] = ("AdminAccess",)
    power_user: tuple[PermissionSetName, ...] = ("AdminAccess", "PowerUserAccess")
    read_only: tuple[PermissionSetName, ...] = ("AdminAccess", "PowerUserAccess", "ReadOnlyAccess")
    security_audit: tuple[PermissionSetName, ...] = Field(
        default=("AdminAccess",), description="Sessions in the delegated administrator's account that may assume "
        "SecurityAuditRole (AWS SecurityAudit, read-only) in every account.")
    support: tuple[PermissionSetName, ...] = Field(
        default=("AdminAccess",), description="Sessions that may assume SupportRole "
        "(AWSSupportAccess: open and manage AWS Support cases) in their own account.")


class SecurityConfig(Strict):
    """Organization-wide detection, run from a delegated administrator account in the Security OU.

    ```yaml
    security:
      delegated_administrator: security
      services: [cloudtrail, guardduty, security-hub, config, access-analyzer]
      log_retention: {archive_days: 2557, cloudwatch_days: 365, object_lock: compliance}
      alarm_emails: [security-oncall@example.com]
    ```
    """

    delegated_administrator: AccountName = Field(description="Account in the Security OU that administers "
                                                 "GuardDuty, Security Hub, Config and Access Analyzer for all.")
    services: tuple[SecurityService, ...] = Field(default=ALL_SERVICES, description="Services to enable "
                                                  "organization-wide. Left out: all five.")
    log_retention: LogRetention = LogRetention()
    role_trust: RoleTrust = RoleTrust()
    alarm_emails: tuple[Email, ...] = Field(
        default=(), max_length=50, description="Who is told when a CIS AWS Foundations alarm on the organization "
        "trail fires (root use, sign-in without MFA, IAM, CloudTrail, Config, KMS, S3 policy, network and "
        "Organizations changes, unauthorised calls). Left out: the alarms and their topic exist with no "
        "subscriber; subscribe an on-call tool to the topic.")
    trail: TrailSettings = TrailSettings()
    guardduty_protections: tuple[GuardDutyProtection, ...] = Field(
        default=ALL_PROTECTIONS, description="GuardDuty protection plans, for every member and the delegated "
        "administrator itself: `s3` (S3 data events), `ebs-malware` (scans of EC2 volumes on a finding), "
        "`lambda` (network activity of functions), `runtime` (the GuardDuty agent on Fargate tasks, managed by "
        "GuardDuty). Each is billed by volume. Left out: all four.")

    def enabled(self, service: SecurityService) -> bool:
        return service in self.services


class BackupPolicy(Strict):
    """An organization backup policy: every resource tagged `Backup=daily` in the home region is backed up by AWS
    Backup into the baseline's vault (which, like the environment key it uses, exists in the home region only).

    ```yaml
    backup_policy:
      schedule: cron(0 2 * * ? *)
      retention_days: 30
    ```
    """

    schedule: str = Field(default="cron(0 2 * * ? *)", pattern=r"^cron\(\S+( \S+){5}\)$",
                          description="When the daily backup starts, in UTC (AWS cron: six fields).")
    retention_days: int = Field(default=30, ge=1, le=36500, description="Days each recovery point is kept.")


class Budget(Strict):
    """The account's monthly cost budget and who hears about it.

    ```yaml
    budget:
      monthly_limit_usd: 2500
      alert_emails: [finops@example.com]
    ```
    """

    monthly_limit_usd: float = Field(gt=0, description="Monthly spend in US dollars.")
    alert_emails: tuple[Email, ...] = Field(min_length=1, max_length=10, description="Who is told at each "
                                            "threshold and of cost anomalies (AWS allows 10 per alert).")
    alert_thresholds: tuple[Annotated[int, Field(gt=0, le=1000)], ...] = Field(
        default=(80, 100), min_length=1, max_length=4, description="Percentages of actual spend that alert; a "
        "forecast above 100% alerts too.")
    anomaly_threshold_usd: float = Field(default=100, gt=0, description="Cost anomalies with at least this "
                                         "total impact alert the same people, daily.")
