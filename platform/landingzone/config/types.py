"""Named types for the shapes that recur across config files."""

from __future__ import annotations

import re
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from landingzone.config.regions import aws_regions, region_problem

AWS_ACCOUNT_EMAIL_MAX = 64

NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$"
OU_SEGMENT = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
TAG_KEY_PATTERN = r"^(?!aws:)[\w .:/=+@-]{1,128}$"
TAG_VALUE_PATTERN = r"^[\w .:/=+@-]{0,256}$"



def _region(value: str) -> str:
    reason = region_problem(value)
    if reason:
        raise ValueError(reason)
    return value


def _region_schema(schema: dict[str, Any]) -> None:
    """Editors offer (and check) the regions validation accepts; computed only when a schema is generated."""
    schema["enum"] = sorted(aws_regions())


# Names become Terraform addresses (`aws_organizations_account.account_log-archive`), so they are kept to
# characters that map one-to-one onto an identifier: no underscores, which we use as a separator.
AccountName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
PolicyName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
OuPath = Annotated[str, StringConstraints(pattern=rf"^{OU_SEGMENT}(?:/{OU_SEGMENT})*$")]
Region = Annotated[str, AfterValidator(_region), Field(json_schema_extra=_region_schema)]
AccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
TagKey = Annotated[str, StringConstraints(pattern=TAG_KEY_PATTERN)]
TagValue = Annotated[str, StringConstraints(pattern=TAG_VALUE_PATTERN)]
RelativeFile = Annotated[str, StringConstraints(pattern=r"^[^/\\][^\\]*$", min_length=1)]


def _check_email(value: str) -> str:
    if len(value.encode()) > AWS_ACCOUNT_EMAIL_MAX:
        raise ValueError(f"is {len(value.encode())} characters long; AWS allows at most {AWS_ACCOUNT_EMAIL_MAX}")
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address: {exc}") from None
    return value


Email = Annotated[str, AfterValidator(_check_email),
                  Field(json_schema_extra={"format": "email", "maxLength": AWS_ACCOUNT_EMAIL_MAX})]

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)


def _retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        allowed = ", ".join(map(str, LOG_RETENTION_DAYS))
        raise ValueError(f"is not a retention CloudWatch Logs offers (allowed: {allowed})")
    return days


LogRetentionDays = Annotated[int, AfterValidator(_retention),
                             Field(json_schema_extra={"enum": list(LOG_RETENTION_DAYS)})]

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class Strict(BaseModel):
    """Base for every config model: unknown keys are errors and parsed config never changes."""

    # python-re: tag patterns need look-ahead (no `aws:` prefix) and Unicode letters, which the Rust engine lacks
    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")


class Decommission(Strict):
    """An explicit, reviewed permission to delete or replace protected resources.

    ```yaml
    decommission:
      reason: CIDR moved to 10.20.0.0/16 after the network review (CHG-1234)
      resources: ["baseline-prod:aws_vpc.vpc"]
    ```
    """

    reason: str = Field(min_length=10, description="Why; kept in the repository's history with the change.")
    account: bool = Field(default=False, description="Account manifests only: the account leaves the "
                          "organization (it is not closed) and its stacks are no longer synthesized.")
    resources: tuple[str, ...] = Field(default=(), description="`<stack>:<address>` patterns (* and ?) that "
                                       "may be deleted or replaced.")


class Targets(Strict):
    """Where a policy is attached. Every list is empty when left out."""

    root: bool = False
    ous: tuple[OuPath, ...] = ()
    accounts: tuple[AccountName, ...] = ()

    def covers(self, ou: str, account: str) -> bool:
        """Whether a policy attached here applies to `account`, which sits in OU path `ou`: attached to Root, to
        the OU or one above it, or to the account itself."""
        return (self.root or account in self.accounts
                or any(ou == path or ou.startswith(f"{path}/") for path in self.ous))
