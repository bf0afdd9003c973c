"""The two roles CIS AWS Foundations asks every account to have besides the reference set: one for the security
team to audit it (1.17's companion: SecurityAudit) and one to manage incidents with AWS Support (1.17)."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.account_roles import bounded_role, human_trust
from landingzone.constructs.part import Part


class AuditRoles(Part):
    """SecurityAuditRole (AWS SecurityAudit: configuration and metadata, no data), assumed from the security
    team's account by the named permission sets; SupportRole (AWSSupportAccess), by the named permission sets
    of this account. Both under the account's boundary, like every baseline role."""

    def __init__(self, scope: Construct, id_: str, *, account_id: str, audit_account_id: str, boundary_arn: str,
                 security_audit: Sequence[str], support: Sequence[str], provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.security_audit = bounded_role(self, "SecurityAuditRole", trust=human_trust(audit_account_id,
                                                                                          security_audit),
                                           boundary_arn=boundary_arn, managed=["SecurityAudit"], provider=provider)
        self.support = bounded_role(self, "SupportRole", trust=human_trust(account_id, support),
                                    boundary_arn=boundary_arn, managed=["AWSSupportAccess"], provider=provider)
