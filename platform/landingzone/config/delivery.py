"""The model of `config/delivery.yaml`: how the stacks reach AWS (state, the Terraform that runs them, the role
every stack assumes in its account). Optional: without it every stack keeps local state and there is no
`bootstrap` stack."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from landingzone.config.identity import ManagedPolicyName, PermissionsBoundary
from landingzone.config.spacelift import Spacelift
from landingzone.config.types import Region, Strict

DELIVERY_FILE = "config/delivery.yaml"

# S3's rules for new buckets: 3-63 of lowercase letters, digits, dots and dashes, a letter or digit at each end
# (no `..` and no IP-address look-alikes; checked beside the model).
BUCKET_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
KEY_PREFIX_PATTERN = r"^[A-Za-z0-9!_.*'()-]+(?:/[A-Za-z0-9!_.*'()-]+)*$"
TABLE_PATTERN = r"^[A-Za-z0-9_.-]{3,255}$"
KMS_KEY_PATTERN = r"^arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:(?:key/[A-Za-z0-9-]+|alias/[\w/-]+)$"
VERSION_PATTERN = r"^\d+\.\d+\.\d+$"
PRINCIPAL_PATTERN = r"^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:root|(?:role|user)/[\w+=,.@/-]{1,512})$"
ROLE_NAME_PATTERN = r"^[\w+=,.@-]{1,64}$"

BucketName = Annotated[str, StringConstraints(pattern=BUCKET_PATTERN)]
KeyPrefix = Annotated[str, StringConstraints(pattern=KEY_PREFIX_PATTERN, max_length=512)]
TableName = Annotated[str, StringConstraints(pattern=TABLE_PATTERN)]
KmsKeyArn = Annotated[str, StringConstraints(pattern=KMS_KEY_PATTERN)]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
PrincipalArn = Annotated[str, StringConstraints(pattern=PRINCIPAL_PATTERN)]
RoleName = Annotated[str, StringConstraints(pattern=ROLE_NAME_PATTERN)]
SESSION_HOURS = (1, 12)  # IAM's MaxSessionDuration: 3600 to 43200 seconds


def _session_hours(hours: int) -> int:
    low, high = SESSION_HOURS
    if not low <= hours <= high:
        raise ValueError(f"hours is not a role session IAM allows ({low} to {high} hours)")
    return hours


SessionHours = Annotated[int, AfterValidator(_session_hours),
                         Field(json_schema_extra={"minimum": SESSION_HOURS[0], "maximum": SESSION_HOURS[1]})]

# The Terraform this project is tested with; a stack requires this patch or a later one of the same minor line.
DEFAULT_TERRAFORM = "1.11.4"
# The oldest releases that read what the stacks hold: `import` blocks (Terraform 1.5, OpenTofu 1.6), and S3's
# own locking through `use_lockfile` (Terraform 1.10, OpenTofu 1.8).
MINIMUM = {"terraform": (1, 5, 0), "opentofu": (1, 6, 0)}
LOCKFILE_MINIMUM = {"terraform": (1, 10, 0), "opentofu": (1, 8, 0)}


class Backend(Strict):
    """Where every stack but `bootstrap` keeps its state: one object per stack, `<key_prefix>/<stack>.tfstate`.

    ```yaml
    backend:
      bucket: acme-landingzone-terraform-state
      key_prefix: landingzone
      locking: lockfile
    ```
    """

    bucket: BucketName = Field(description="The state bucket, created by the `bootstrap` stack in the management "
                               "account (versioned, SSE-KMS, TLS only, public access blocked, never destroyed).")
    region: Region | None = Field(default=None, description="The bucket's region; must be allowed. Left out: "
                                  "the organization's home_region.")
    key_prefix: KeyPrefix = Field(default="landingzone", description="Folder of the state objects: stack `org` "
                                  "keeps its state in `<key_prefix>/org.tfstate`. Left out: `landingzone`.")
    kms_key: KmsKeyArn | None = Field(
        default=None, description="ARN of an existing KMS key (or alias) that encrypts the state. Left out: the "
        "bootstrap stack creates one with rotation, `alias/landingzone/terraform-state`, and every backend names "
        "it by its alias ARN.")
    access_log_bucket: BucketName | None = Field(
        default=None, description="Where S3 server access logs of the state bucket go (who read or wrote which "
        "state, and state can hold secrets), kept a year; created by the bootstrap stack. Left out: "
        "`<bucket>-access-logs`.")
    locking: Literal["lockfile", "dynamodb"] = Field(
        default="lockfile", description="`lockfile`: S3's own locking (`use_lockfile`, a `.tflock` object beside "
        "the state; Terraform 1.10 or OpenTofu 1.8 and later). `dynamodb`: a lock table the bootstrap stack "
        "creates (Terraform 1.11 marks it deprecated). Left out: `lockfile`.")
    lock_table: TableName | None = Field(
        default=None, description="The DynamoDB lock table, with `locking: dynamodb` only. Left out: "
        "`<bucket>-lock`.")

    def log_bucket(self) -> str:
        return self.access_log_bucket or f"{self.bucket}-access-logs"

    def table(self) -> str | None:
        """The lock table's name where DynamoDB locks the state, else None."""
        return (self.lock_table or f"{self.bucket}-lock") if self.locking == "dynamodb" else None


class Workflow(Strict):
    """The tool the runners use; every stack requires it (`required_version = "~> <version>"`)."""

    tool: Literal["terraform", "opentofu"] = Field(default="terraform", description="Left out: `terraform`.")
    version: Version | None = Field(
        default=None, description=f"The exact release the runners use, like {DEFAULT_TERRAFORM}; stacks accept "
        f"it and later patches of its minor line. Left out: {DEFAULT_TERRAFORM} for Terraform (what landingzone is "
        "tested with); required for OpenTofu.")

    def release(self) -> str:
        return self.version or DEFAULT_TERRAFORM


class Deployer(Strict):
    """The role every stack's provider assumes in its account: created by the `bootstrap` stack in the management
    account directly, and in every member account (new ones included) by a StackSet of the organization.

    ```yaml
    deployer:
      trusted_principals: [arn:aws:iam::123456789012:role/spacelift-landingzone]
      max_session_hours: 1
    ```
    """

    role_name: RoleName | None = Field(default=None, description="Left out: `organization.deployer_role` of "
                                       "config/organization.yaml (`LandingZoneDeployer` unless set there).")
    trusted_principals: tuple[PrincipalArn, ...] = Field(
        description="The only principals the role trusts: the runners' own roles, such as a "
        "Spacelift AWS integration role. They also get read and write access to the state bucket (and lock "
        "table), but never to the bootstrap stack's own state.")
    max_session_hours: SessionHours = Field(
        default=1, description="The role's maximum session, and the session every provider asks for "
        "(the provider's own default of 15 minutes is shorter than creates such as Security Hub standards). A "
        "runner whose own credentials are a role session (Spacelift's integration, CI identity roles) is held "
        "to 1 hour by role chaining whatever this says. Left out: 1.")
    managed_policies: tuple[ManagedPolicyName, ...] = Field(
        default=("AdministratorAccess",), description="AWS managed policies of the role. Left "
        "out: AdministratorAccess (the stacks create IAM roles, KMS keys and organization policies).")
    permissions_boundary: PermissionsBoundary | None = Field(
        default=None, description="A boundary on the role; a customer managed policy must already exist in every "
        "account. Left out: none.")


class DeliveryConfig(Strict):
    """`config/delivery.yaml`.

    ```yaml
    backend: {bucket: acme-landingzone-terraform-state}
    workflow: {tool: terraform, version: 1.11.4}
    deployer:
      trusted_principals: [arn:aws:iam::123456789012:role/spacelift-landingzone]
    ```
    """

    backend: Backend = Field(description="Where the state is kept and how it is locked; see Backend.")
    workflow: Workflow = Field(default=Workflow(), description=f"Left out: Terraform {DEFAULT_TERRAFORM}; see "
                               "Workflow.")
    deployer: Deployer = Field(description="The role every stack assumes in its account; see Deployer.")
    spacelift: Spacelift | None = Field(
        default=None, description="The Spacelift stacks that run every stack, managed by the `admin` stack; see "
        "Spacelift. Left out: no `admin` stack and no `.spacelift/config.yml` (stacks are run some other way).")
