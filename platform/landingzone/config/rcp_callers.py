"""Who reaches the resources an RCP may not cut off, and with which request context: AWS services as service
principals, and the pipeline that assumes the deployer role. Used by `protected_resources.py`.

An AWS service principal's request follows the IAM User Guide, "AWS global condition context keys"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html); see `rcp_blocking.py`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from landingzone.config.lockout import ABSENT, UNKNOWN, Symbol, Who
from landingzone.config.organization import OrganizationConfig
from landingzone.config.rcp_blocking import Caller, RequestContext
from landingzone.config.scp import ORGANIZATION_ID_TOKEN

SERVICES = Who("AWS service principals' requests", "every AWS service principal's request", (
    ("aws:principalorgid", "AWS service principals belong to no organization"),
    ("aws:principalorgpaths", "AWS service principals belong to no organization"),
    ("aws:principaltag/", "AWS service principals have no tags"),
    ("aws:sourcevpc", "AWS services do not call through your VPC endpoints"),
    ("aws:vpce", "AWS services do not call through your VPC endpoints")))
SOURCE_ORG_FIX = ("aws:SourceOrgID is your organization's ID in their requests: compare it with "
                  f'"{ORGANIZATION_ID_TOKEN}", which landingzone fills in')
PIPELINE = Who("the pipeline's requests", "every request of the pipeline")
SERVICE_FIX = ('exempt AWS services with "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}, and hold them to '
               f'your organization in a statement of their own with aws:SourceOrgID "{ORGANIZATION_ID_TOKEN}"')
PIPELINE_FIX = ("exempt the pipeline: a condition on aws:PrincipalArn naming its principal, or on aws:PrincipalOrgID "
                f'"{ORGANIZATION_ID_TOKEN}" while it calls with the organization\'s credentials')
DEPLOYS = "so no stack could reach the accounts it covers"


@dataclass(frozen=True)
class AccountInfo:
    """An active account as the check sees it: where it sits, its ID if a manifest gives it, and whether it has a
    spoke VPC (and so a flow-log role)."""

    name: str
    ou: str
    id: str | None
    spoke: bool = False


class ServiceAddress(Symbol):
    """The source IP of an AWS service's own request: AWS's address space, not one of your networks."""

    def compare(self, base: str, wanted: list[Any]) -> bool | None:
        if base != "IpAddress":
            return UNKNOWN
        try:
            networks = [ipaddress.ip_network(str(w), strict=False) for w in wanted]
        except ValueError:
            return UNKNOWN
        if any(n.prefixlen == 0 for n in networks):
            return True
        return UNKNOWN if any(n.prefixlen < 8 for n in networks) else False


def organization_id(org: OrganizationConfig) -> Symbol:
    known = org.organization.id
    return Symbol(f"{known}, your organization's ID" if known else "your organization's ID",
                  frozenset({ORGANIZATION_ID_TOKEN, *([known] if known else [])}), exhaustive=known is not None)


def account_id(account: AccountInfo) -> str | Symbol:
    return account.id or Symbol(f"{account.name}'s account ID")


def service_caller(label: str, service: str, purpose: str, org_id: Symbol,
                   source_account: str | Symbol | None = None) -> Caller:
    """An AWS service principal's requests; `source_account` where the service names the account it acts for
    (aws:SourceAccount and aws:SourceOrgID present), None where it may not."""
    values: dict[str, Any] = {
        "aws:principalisawsservice": "true", "aws:principalservicename": service,
        "aws:principalorgid": ABSENT, "aws:principalorgpaths": ABSENT,
        "aws:sourcevpc": ABSENT, "aws:sourcevpce": ABSENT, "aws:vpceorgid": ABSENT, "aws:vpceorgpaths": ABSENT,
        "aws:vpceaccount": ABSENT, "aws:viaawsservice": "false", "aws:securetransport": "true",
        "aws:multifactorauthpresent": ABSENT, "aws:multifactorauthage": ABSENT,
        "aws:sourceip": ServiceAddress("an address of the AWS service"),
    }
    if source_account is not None:
        values |= {"aws:sourceorgid": org_id, "aws:sourceaccount": source_account}
    context = RequestContext(values, (("aws:principaltag/", ABSENT),))
    return Caller(f"{label} ({service})", purpose, (context,), SERVICES, SERVICE_FIX,
                  (("aws:SourceOrgID", SOURCE_ORG_FIX),))


def pipeline_callers(org_id: Symbol, management: AccountInfo, principals: Sequence[str],
                     accounts: Sequence[AccountInfo], purpose: str = DEPLOYS) -> tuple[Caller, ...]:
    """Whoever assumes the deployer role: the pipeline's principals of `config/delivery.yaml`, or without them the
    management account's credentials (a role session, or an IAM user's access keys)."""
    common = {"aws:principalisawsservice": "false", "aws:principalservicename": ABSENT,
              "aws:viaawsservice": "false", "aws:securetransport": "true"}
    if not principals:
        ours = {**common, "aws:principalorgid": org_id, "aws:principalaccount": account_id(management)}
        contexts = (RequestContext({**ours, "aws:principaltype": "AssumedRole", "aws:multifactorauthpresent": "false",
                                    "aws:multifactorauthage": ABSENT}),
                    RequestContext({**ours, "aws:principaltype": "User", "aws:multifactorauthpresent": ABSENT,
                                    "aws:multifactorauthage": ABSENT}))
        return (Caller("the pipeline (with the management account's credentials)", purpose, contexts, PIPELINE,
                       PIPELINE_FIX),)
    known = {a.id for a in (management, *accounts) if a.id}
    everyone_known = all(a.id for a in accounts) and management.id is not None
    return tuple(_principal(arn, org_id, known, everyone_known, common, purpose) for arn in principals)


def _principal(arn: str, org_id: Symbol, known: set[str], everyone_known: bool, common: dict[str, Any],
               purpose: str) -> Caller:
    account = arn.split(":")[4]
    kind = arn.split(":", 5)[5].split("/")[0]
    org: Any = org_id if account in known else (
        Symbol("another organization's ID", exhaustive=True) if everyone_known else UNKNOWN)
    values = {**common, "aws:principalarn": arn, "aws:principalaccount": account, "aws:principalorgid": org,
              "aws:principaltype": {"role": "AssumedRole", "user": "User"}.get(kind, "Account"),
              "aws:multifactorauthpresent": "false" if kind == "role" else ABSENT, "aws:multifactorauthage": ABSENT}
    return Caller(f"the pipeline ({arn})", purpose, (RequestContext(values),), PIPELINE, PIPELINE_FIX)


def resource_context(org_id: Symbol, account: str | Symbol, tags: Sequence[str]) -> RequestContext:
    known_tags = {f"aws:resourcetag/{key.lower()}": UNKNOWN for key in tags}
    return RequestContext({"aws:resourceorgid": org_id, "aws:resourceaccount": account, **known_tags},
                          (("aws:resourcetag/", ABSENT),))
