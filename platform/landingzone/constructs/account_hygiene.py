"""Account-wide settings of CIS AWS Foundations section 1 that are not roles: the IAM password policy and who
AWS writes to about security, operations and billing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.account_alternate_contact import AccountAlternateContact
from cdktf_cdktf_provider_aws.iam_account_password_policy import IamAccountPasswordPolicy
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

# CIS AWS Foundations 1.8-1.9 and the AWS Foundational Security Best Practices IAM.7: people sign in through
# Identity Center, so this binds only IAM users someone creates by hand, and the break-glass user if any.
MIN_LENGTH, REUSE_PREVENTION, MAX_AGE_DAYS = 14, 24, 90


@dataclass(frozen=True)
class ContactDetails:
    name: str
    title: str
    email: str
    phone: str


class AccountHygiene(Part):
    """The password policy, and one alternate contact per type given (`SECURITY`, `OPERATIONS`, `BILLING`),
    set by the account itself: no trusted access for the Account Management API is needed."""

    def __init__(self, scope: Construct, id_: str, *, account: str, contacts: Mapping[str, ContactDetails],
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        pin(IamAccountPasswordPolicy(
            self, "password-policy", minimum_password_length=MIN_LENGTH, require_lowercase_characters=True,
            require_uppercase_characters=True, require_numbers=True, require_symbols=True,
            allow_users_to_change_password=True, password_reuse_prevention=REUSE_PREVENTION,
            max_password_age=MAX_AGE_DAYS, provider=provider), "password_policy", account)
        for kind in sorted(contacts):
            contact = contacts[kind]
            pin(AccountAlternateContact(
                self, f"contact-{kind}", alternate_contact_type=kind.upper(), name=contact.name, title=contact.title,
                email_address=contact.email, phone_number=contact.phone, provider=provider),
                "alternate_contact", account, kind)
