"""The `spacelift:` section of `config/delivery.yaml`: the Spacelift stacks that run every synthesized stack, which
the `admin` stack manages, and what synth writes into `.spacelift/config.yml` for their runs."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from landingzone.config.types import AccountId, Strict

# A Spacelift account name is the `<name>` of `<name>.app.spacelift.io`, and the first part of every external ID
# Spacelift sends when it assumes an AWS integration's role.
SPACELIFT_NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
SPACE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,127}$"
REPOSITORY_PATTERN = r"^[A-Za-z0-9_.-]{1,100}$"
BRANCH_PATTERN = r"^(?!/)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]{1,255}(?<![/.])$"
IMAGE_PATTERN = r"^[a-z0-9][a-z0-9._/:@-]{0,254}$"
LABEL_PATTERN = r"^[^\s,][^,]{0,254}$"
STACK_PATTERN = r"^[a-z0-9*?-]{1,64}$"
SPACELIFT_SAAS_ACCOUNT = "324880187172"  # the AWS account Spacelift's SaaS assumes integration roles from
INTEGRATION_SECONDS = (900, 43200)  # STS AssumeRole's DurationSeconds
CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))


def _cron(expression: str) -> str:
    """A five-field cron expression as Spacelift's drift detection reads it: numbers, `*`, ranges, lists, steps."""
    fields = expression.split()
    if len(fields) != len(CRON_FIELDS):
        raise ValueError(f"has {len(fields)} fields; a schedule has five (minute hour day-of-month "
                         "month day-of-week), like '0 4 * * *'")
    for text, (name, low, high) in zip(fields, CRON_FIELDS, strict=True):
        for part in text.split(","):
            body, _, step = part.partition("/")
            bounds = [] if body == "*" else body.split("-", 1)
            numbers = [*bounds, *([step] if step else [])]
            if not all(n.isdigit() for n in numbers) or (body != "*" and not bounds):
                raise ValueError(f"has {name} field '{text}', which is not numbers, *, ranges (a-b), lists "
                                 "(a,b) or steps (*/n)")
            if any(not low <= int(n) <= high for n in bounds):
                raise ValueError(f"has {name} field '{text}', outside {low}-{high}")
    return expression


def _repository(name: str) -> str:
    if "/" in name and re.fullmatch(REPOSITORY_PATTERN, name.rsplit("/", 1)[1]):
        raise ValueError(f"names the owner too; Spacelift takes the repository's name alone: "
                         f"'{name.rsplit('/', 1)[1]}'")
    return name


def _timezone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), n=1, cutoff=0.8)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"is not an IANA time zone, like UTC or Europe/Berlin{hint}") from None
    return name


def _seconds(value: int) -> int:
    low, high = INTEGRATION_SECONDS
    if not low <= value <= high:
        raise ValueError(f"seconds is not a session STS grants ({low} to {high} seconds)")
    return value


SpaceliftName = Annotated[str, StringConstraints(pattern=SPACELIFT_NAME_PATTERN)]
SpaceId = Annotated[str, StringConstraints(pattern=SPACE_PATTERN)]
Repository = Annotated[str, AfterValidator(_repository), StringConstraints(pattern=REPOSITORY_PATTERN)]
Branch = Annotated[str, StringConstraints(pattern=BRANCH_PATTERN)]
Image = Annotated[str, StringConstraints(pattern=IMAGE_PATTERN)]
Label = Annotated[str, StringConstraints(pattern=LABEL_PATTERN)]
StackPattern = Annotated[str, StringConstraints(pattern=STACK_PATTERN)]
Cron = Annotated[str, AfterValidator(_cron)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
IntegrationSeconds = Annotated[int, AfterValidator(_seconds)]


class AwsIntegration(Strict):
    """One Spacelift AWS integration per account, attached to every stack in that account: Spacelift assumes the
    account's deployer role directly, so a run holds credentials of its own account only."""

    duration_seconds: IntegrationSeconds = Field(
        default=3600, description="How long the credentials of a run last. The provider's default of 900 seconds "
        "runs out during long creates and leaves resources tainted. At most the deployer role's session "
        "(deployer.max_session_hours). Left out: 3600.")
    spacelift_aws_account: AccountId = Field(
        default=SPACELIFT_SAAS_ACCOUNT, description="The AWS account Spacelift assumes the roles from, which the "
        f"deployer roles trust. Left out: {SPACELIFT_SAAS_ACCOUNT}, Spacelift's SaaS (a self-hosted Spacelift "
        "names its own).")


class DriftDetection(Strict):
    """Scheduled proposed runs that report drift for every stack."""

    schedule: tuple[Cron, ...] = Field(default=("0 4 * * *",), description="Cron expressions (five fields) of "
                                       "when to look for drift. Left out: daily at 04:00.")
    timezone: TimeZone = Field(default="UTC", description="The zone the schedule is in. Left out: UTC.")
    reconcile: bool = Field(default=False, description="Whether drift starts a tracked run that puts back what "
                            "the code says (it waits for confirmation unless autodeploy is on). Protected stacks "
                            "never reconcile automatically, whatever this says. Left out: false.")


class Spacelift(Strict):
    """Every synthesized stack as a Spacelift stack, with its dependencies, AWS integration, plan policies and
    drift detection, all managed by the `admin` stack in the management account.

    ```yaml
    spacelift:
      account: acme
      repository: landingzone
      runner_image: ghcr.io/acme/landingzone-runner:1.4.0
      protected_stacks: [bootstrap, org, security]
    ```
    """

    account: SpaceliftName = Field(description="The Spacelift account's name (`<account>.app.spacelift.io`); the "
                                   "deployer roles trust only external IDs that start with it.")
    space: SpaceId = Field(default="root", description="The space (its ID) every stack, integration and policy "
                           "goes in; the admin stack administers it. Left out: root.")
    repository: Repository = Field(description="This repository's name, without its owner, as Spacelift's VCS "
                                   "integration knows it.")
    branch: Branch = Field(default="main", description="The tracked branch: a push there starts tracked runs. "
                           "Left out: main.")
    runner_image: Image = Field(description="The runner image of every stack. It needs Python 3.11+ with "
                                "landingzone's dependencies, Node.js, and the workflow tool: every run synthesizes "
                                "its own stack in before_init (see .spacelift/config.yml).")
    worker_pool: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")] | None = Field(
        default=None, description="The ID of a private worker pool for every stack. Left out: Spacelift's public "
        "workers.")
    autodeploy: bool = Field(default=False, description="Whether a tracked run applies without confirmation when "
                             "its plan passes the plan policies. Left out: false (every apply is confirmed).")
    labels: tuple[Label, ...] = Field(default=(), description="Labels on every stack, besides the ones landingzone "
                                      "sets (`landingzone`, `account:<name>`, `protected` where protected). Left "
                                      "out: none.")
    aws_integration: AwsIntegration = Field(default=AwsIntegration(), description="Left out: 3600-second sessions "
                                            "assumed from Spacelift's SaaS; see AwsIntegration.")
    drift_detection: DriftDetection = Field(default=DriftDetection(), description="Left out: daily at 04:00 UTC, "
                                            "reporting only; see DriftDetection.")
    protected_stacks: tuple[StackPattern, ...] = Field(
        default=("bootstrap", "org", "security"), description="Stacks (names, or patterns with * and ?) that "
        "Spacelift refuses to delete, and that drift never reconciles. Left out: bootstrap, org and security.")
