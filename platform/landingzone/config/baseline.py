"""The model of the `baseline:` section of `config/organization.yaml` (what every account's baseline stack sets
besides its roles, keys and budget) and of the per-account overrides a manifest may give."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from landingzone.config.types import Email, Strict

DefaultVpcs = Literal["neutralize", "keep"]
ContactType = Literal["security", "operations", "billing"]
CONTACT_TYPES: tuple[ContactType, ...] = ("security", "operations", "billing")

# What the Account Management API accepts (PutAlternateContact).
ContactName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ContactTitle = Annotated[str, StringConstraints(min_length=1, max_length=50)]


def _phone(value: str) -> str:
    if not re.fullmatch(r"[\s0-9()+-]{1,25}", value):
        raise ValueError("is not a phone number AWS accepts (at most 25 digits, spaces, '+', '-' and parentheses)")
    return value


PhoneNumber = Annotated[str, AfterValidator(_phone)]


class Contact(Strict):
    """Who AWS writes to about one kind of matter (`PutAlternateContact`).

    ```yaml
    security: {name: Security Operations, title: SOC, email: soc@example.com, phone: "+1 555 0100"}
    ```
    """

    name: ContactName
    title: ContactTitle
    email: Email
    phone: PhoneNumber


class AlternateContacts(Strict):
    """The account's alternate contacts; each one left out is not managed (AWS keeps whatever it has)."""

    security: Contact | None = Field(default=None, description="Security notifications (abuse reports, "
                                     "compromised credentials); CIS AWS Foundations 1.2.")
    operations: Contact | None = Field(default=None, description="Service events and maintenance.")
    billing: Contact | None = Field(default=None, description="Invoices and payment matters.")


class BaselineConfig(Strict):
    """What every account's baseline sets up for CIS AWS Foundations and AWS Foundational Security Best
    Practices besides its roles, keys and budget (the IAM password policy is fixed: 14 characters, all four
    character classes, no reuse of the last 24, 90 days).

    ```yaml
    baseline:
      default_vpcs: neutralize
      centralized_root_access: true
      alternate_contacts:
        security: {name: Security Operations, title: SOC, email: soc@example.com, phone: "+1 555 0100"}
    ```
    """

    default_vpcs: DefaultVpcs = Field(
        default="neutralize", description="AWS's default VPC in every allowed region of every account: "
        "`neutralize` strips every rule from its default security group and network ACL and stops its subnets "
        "from giving public IPs, so nothing launched there can talk (Terraform cannot delete a default VPC: "
        "its subnets and internet gateway cannot be adopted); `keep` leaves them as AWS made them. An account "
        "manifest may say otherwise for its own account.")
    centralized_root_access: bool = Field(
        default=True, description="IAM's centralized root access for member accounts: accounts the organization "
        "creates have no root password, and root tasks are done from the management account "
        "(sts:AssumeRoot). Needs `iam.amazonaws.com` among the organization's trusted services.")
    alternate_contacts: AlternateContacts = Field(
        default_factory=AlternateContacts, description="Alternate contacts of every account; a manifest's own "
        "`alternate_contacts` replaces each type it gives.")


class AccountBaseline(Strict):
    """A manifest's `baseline:` overrides for its own account.

    ```yaml
    baseline:
      default_vpcs: keep        # legacy instances still run in the default VPC (CHG-2041)
      alternate_contacts:
        billing: {name: Prod FinOps, title: FinOps, email: finops-prod@example.com, phone: "+1 555 0101"}
    ```
    """

    default_vpcs: DefaultVpcs | None = Field(default=None, description="Left out: the organization's setting.")
    alternate_contacts: AlternateContacts = Field(default_factory=AlternateContacts, description="Each type "
                                                  "given replaces the organization's for this account.")


def account_contacts(org: BaselineConfig, own: AccountBaseline) -> dict[ContactType, Contact]:
    """The alternate contacts an account gets: its manifest's, then the organization's, per type."""
    found = {kind: getattr(own.alternate_contacts, kind) or getattr(org.alternate_contacts, kind)
             for kind in CONTACT_TYPES}
    return {kind: contact for kind, contact in found.items() if contact is not None}


def neutralizes_default_vpcs(org: BaselineConfig, own: AccountBaseline) -> bool:
    return (own.default_vpcs or org.default_vpcs) == "neutralize"
