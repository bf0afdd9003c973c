"""Registering a member account as a service's delegated administrator, from the management account."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.organizations_delegated_administrator import OrganizationsDelegatedAdministrator
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin


def delegate(scope: Construct, *, service: str, address: str, account_id: str,
             management_provider: AwsProvider) -> OrganizationsDelegatedAdministrator:
    """`service` is the service principal (`config.amazonaws.com`); the service's organization-wide resources
    in the delegated account must depend on the returned registration."""
    return pin(OrganizationsDelegatedAdministrator(scope, "delegated", account_id=account_id, service_principal=service,
                                                   provider=management_provider), "delegated_administrator", address)
