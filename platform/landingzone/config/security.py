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
    """How long audit logs are kept."""

    archive_days: int = Field(default=2557, ge=365, le=36500, description="Days CloudTrail and Config files stay "
                              "in the log-archive bucket (7 years by default; at least a year for audits).")
    cloudwatch_days: LogRetentionDays = Field(default=365, description="CloudWatch Logs retention of the "
                                              "organization trail's log group.")


class RoleTrust(Strict):
    """Which Identity Center permission sets may assume each human role of the baseline, in the same account.

    Only these: a PowerUser session could otherwise assume AdminRole and escape its permission set.
    """

    admin: tuple[PermissionSetName, ...] = ("AdminAccess",)
    power_user: tuple[PermissionSetName, ...] = ("AdminAccess", "PowerUserAccess")
    read_only: tuple[PermissionSetName, ...] = ("AdminAccess", "PowerUserAccess", "ReadOnlyAccess")


class SecurityConfig(Strict):
    """Organization-wide detection, run from a delegated administrator account in the Security OU.

    ```yaml
    security:
      delegated_administrator: security
      services: [cloudtrail, guardduty, security-hub, config, access-analyzer]
      log_retention: {archive_days: 2557, cloudwatch_days: 365}
    ```
    """

    delegated_administrator: AccountName = Field(description="Account in the Security OU that administers "
                                                 "GuardDuty, Security Hub, Config and Access Analyzer for all.")
    services: tuple[SecurityService, ...] = Field(default=ALL_SERVICES, description="Services to enable "
                                                  "organization-wide. Left out: all five.")
    log_retention: LogRetention = LogRetention()
    role_trust: RoleTrust = RoleTrust()

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
