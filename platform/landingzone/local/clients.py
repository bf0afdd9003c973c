"""boto3 clients for the local AWS, in the management account or, through the deployer role, in any other:
the same way in that the stacks' providers take."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from landingzone.config import LandingZone
from landingzone.local.retarget import LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY
from landingzone.local.server import MANAGEMENT_ACCOUNT_ID

# No proxy for loopback, and no retries: an unimplemented call should fail now, not in a minute.
_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, proxies={})


class LocalClients:
    def __init__(self, lz: LandingZone, endpoint: str) -> None:
        self._lz, self._endpoint = lz, endpoint
        self._sessions: dict[str, boto3.Session] = {}
        self._ids: dict[str, str] | None = None

    def management(self, service: str, region: str | None = None) -> Any:
        return self._session(None).client(service, **self._kwargs(region))

    def account(self, name: str, service: str, region: str | None = None) -> Any:
        """A client in account `name`, with credentials from assuming the deployer role there."""
        if name == self._lz.management.name:
            return self.management(service, region)
        return self._session(name).client(service, **self._kwargs(region))

    def account_ids(self) -> dict[str, str]:
        """Account name → ID, found by email in the organization as the stacks find them."""
        if self._ids is None:
            by_email = {}
            for page in self.management("organizations").get_paginator("list_accounts").paginate():
                by_email |= {a["Email"].lower(): a["Id"] for a in page["Accounts"]}
            self._ids = {a.name: a.manifest.id or by_email.get(a.manifest.email.lower(), "") for a in self._lz.accounts}
            self._ids[self._lz.management.name] = self._lz.management.manifest.id or MANAGEMENT_ACCOUNT_ID
        return self._ids

    def _session(self, account: str | None) -> boto3.Session:
        key = account or ""
        if key not in self._sessions:
            base = boto3.Session(aws_access_key_id=LOCAL_ACCESS_KEY, aws_secret_access_key=LOCAL_SECRET_KEY,
                                 region_name=self._lz.organization.organization.home_region)
            if account is not None:
                role = f"arn:aws:iam::{self.account_ids()[account]}:role/{self._lz.deployer_role}"
                creds = base.client("sts", **self._kwargs(None)).assume_role(
                    RoleArn=role, RoleSessionName="landingzone-verify")["Credentials"]
                base = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                                     aws_secret_access_key=creds["SecretAccessKey"],
                                     aws_session_token=creds["SessionToken"], region_name=base.region_name)
            self._sessions[key] = base
        return self._sessions[key]

    def _kwargs(self, region: str | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"endpoint_url": self._endpoint, "config": _CONFIG}
        if region:
            kwargs["region_name"] = region
        return kwargs


def seed_identity_groups(lz: LandingZone, clients: LocalClients) -> list[str]:
    """Create the Identity Center groups Entra's SCIM sync would create, which the identity stack looks up
    by display name and never creates itself. Returns the ones created (existing ones are kept)."""
    if lz.identity is None:
        return []
    region = lz.identity.identity_center.region or lz.organization.organization.home_region
    store = clients.management("sso-admin", region).list_instances()["Instances"][0]["IdentityStoreId"]
    groups = clients.management("identitystore", region)
    present = {g["DisplayName"] for g in groups.list_groups(IdentityStoreId=store)["Groups"]}
    created = [name for name in lz.identity.groups if name not in present]
    for name in created:
        groups.create_group(IdentityStoreId=store, DisplayName=name)
    return created
