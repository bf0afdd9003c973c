"""The model of one `accounts/*.yaml` manifest."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from landingzone.config.baseline import AccountBaseline
from landingzone.config.identity import SamlFederation
from landingzone.config.network import AccountNetwork
from landingzone.config.security import Budget
from landingzone.config.types import AccountId, AccountName, Decommission, Email, OuPath, Strict, TagKey, TagValue


class AccountManifest(Strict):
    """One AWS account.

    ```yaml
    name: prod
    email: aws-prod@example.com
    ou: Workloads/Prod
    environment: prod
    owner: platform-team
    cost_center: CC-1001
    budget: {monthly_limit_usd: 2500, alert_emails: [finops@example.com]}
    tags: {Project: meeting-recorder}
    ```
    """

    name: AccountName
    email: Email
    ou: OuPath = Field(description="OU path from Root, `Workloads/Prod`; `Root` only for the management account.")
    environment: TagValue = Field(description="Becomes the `Environment` tag.")
    owner: TagValue = Field(description="Becomes the `Owner` tag.")
    cost_center: TagValue = Field(description="Becomes the `CostCenter` tag: cost reports group by it.")
    budget: Budget = Field(description="Monthly budget, alerts and cost anomaly detection; see Budget.")
    id: AccountId | None = Field(
        default=None, description="An existing account's ID: it is adopted with an import block instead of created."
    )
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, description="More tags; may not repeat the above.")
    decommission: Decommission | None = Field(
        default=None, description="Allows the plan-safety gate to pass deletes or replacements; see Decommission."
    )
    network: AccountNetwork | None = Field(default=None, description="A spoke VPC attached to the hub.")
    saml_federation: SamlFederation | None = Field(
        default=None, description="Direct SAML federation with Entra ID for API clients; see SamlFederation."
    )
    baseline: AccountBaseline = Field(default_factory=AccountBaseline, description="This account's own "
                                      "default-VPC setting and alternate contacts; see AccountBaseline.")
    workloads: dict[AccountName, dict[str, Any] | None] = Field(
        default_factory=dict, description="Workload modules to deploy here, each with its parameters (the module "
        "checks them); `meeting-recorder: {...}` adds the `meeting-recorder-<account>` stack.")

    @property
    def decommissioned(self) -> bool:
        """The account leaves the organization: it is no longer synthesized anywhere."""
        return bool(self.decommission and self.decommission.account)

    def base_tags(self) -> dict[str, str]:
        return {"Environment": self.environment, "Owner": self.owner, "CostCenter": self.cost_center}
