"""IAM Access Analyzer: findings for resources shared outside the zone of trust (the organization, or one
account)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.accessanalyzer_analyzer import AccessanalyzerAnalyzer
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.delegation import delegate
from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


class OrganizationAccessAnalyzer(Part):
    """Delegated to the administrator account, whose organization analyzer sees every account."""

    def __init__(self, scope: Construct, id_: str, *, name: str, admin_account_id: str,
                 admin_provider: AwsProvider, management_provider: AwsProvider) -> None:
        super().__init__(scope, id_)
        delegated = delegate(self, service="access-analyzer.amazonaws.com", address="access_analyzer",
                             account_id=admin_account_id, management_provider=management_provider)
        pin(AccessanalyzerAnalyzer(self, "analyzer", analyzer_name=name, type="ORGANIZATION",
                                   depends_on=[delegated], provider=admin_provider), "access_analyzer", "organization")


class AccountAccessAnalyzer(Part):
    """The account's own analyzer: its owners see what they share outside the account, including with other
    accounts of the organization, which the organization analyzer does not report."""

    def __init__(self, scope: Construct, id_: str, *, account: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        pin(AccessanalyzerAnalyzer(self, "analyzer", analyzer_name=f"landingzone-{account}", type="ACCOUNT",
                                   provider=provider), "access_analyzer", account)
