"""What AWS services and the pipeline must keep reaching in the member accounts, worked out from the configuration:
the resources an RCP may not cut them off (checked by `rcp_blocking.py`).

- the log archive's buckets as the security stack's bucket policies let them be written: the trail's, which
  CloudTrail writes, AWS Config's, their KMS key, and the access-log bucket S3 server access logging writes;
- the roles AWS services assume in the accounts: the baseline's LambdaExecutionRole and APIGatewayRole, the
  backup role of the organization backup policy and each spoke's flow-log role;
- the deployer role (as `config/delivery.yaml` names it), which the pipeline assumes in every member account: the
  principals that file's deployer trusts, or without it the management account's credentials;
- the Terraform state bucket of `config/delivery.yaml`. The bootstrap stack puts it in the management account,
  where RCPs never apply; `Estate.state_bucket_account` is where a bucket elsewhere would be protected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from landingzone.config.checks_iam_names import BACKUP_ROLE, flow_logs_role
from landingzone.config.checks_security import BACKUP_PRINCIPAL, log_bucket_name
from landingzone.config.lockout import Symbol
from landingzone.config.organization import OrganizationConfig
from landingzone.config.rcp_blocking import Caller, Need, ProtectedResource
from landingzone.config.rcp_callers import (
    AccountInfo,
    account_id,
    organization_id,
    pipeline_callers,
    resource_context,
    service_caller,
)
from landingzone.config.types import Targets

KEY_ALIAS = "alias/landingzone/audit-logs"  # the log archive's key (constructs/log_archive.py)
# Tags landingzone puts on what it creates; any other resource tag is absent from the protected resources.
MANAGED_TAGS = ("Environment", "Project", "Owner", "CostCenter", "ManagedBy", "Name", "Backup")


@dataclass(frozen=True)
class Estate:
    """What the check knows of the organization: its config, its active accounts (the management account
    included), and from `config/delivery.yaml` the state bucket and the principals that assume the deployer."""

    org: OrganizationConfig
    accounts: tuple[AccountInfo, ...]
    state_bucket: str | None = None
    pipeline_principals: tuple[str, ...] = ()
    state_bucket_account: str | None = None  # None: the management account, where the bootstrap stack puts it
    state_key_prefix: str = "landingzone"  # backend.key_prefix: stack `org` keeps `<prefix>/org.tfstate`
    deployer_role_name: str | None = None  # deployer.role_name of config/delivery.yaml, where it names the role

    @property
    def deployer_role(self) -> str:
        """The role the pipeline assumes in every account (as LandingZone.deployer_role decides it)."""
        return self.deployer_role_name or self.org.organization.deployer_role

    def account(self, name: str) -> AccountInfo | None:
        return next((a for a in self.accounts if a.name == name), None)

    @property
    def management(self) -> AccountInfo:
        name = self.org.core_accounts.management
        return self.account(name) or AccountInfo(name, "Root", None)

    @property
    def members(self) -> tuple[AccountInfo, ...]:
        return tuple(a for a in self.accounts if a.name != self.org.core_accounts.management)

    def tags(self) -> tuple[str, ...]:
        return (*MANAGED_TAGS, *(t.key for t in self.org.required_tags), *self.org.default_tags)


def protected_resources(estate: Estate) -> list[ProtectedResource]:
    """Every resource an RCP must leave reachable, with who must reach it, wherever it lives."""
    return [*_log_archive(estate), *_service_roles(estate), *_deployer(estate), *_state_bucket(estate)]


def narrowed(resources: Sequence[ProtectedResource], targets: Targets, accounts: Sequence[AccountInfo],
             management: str) -> list[ProtectedResource]:
    """The resources an RCP attached at `targets` applies to (never in the management account), each named with the
    accounts it is covered in."""
    ou_of = {a.name: a.ou for a in accounts}
    found = []
    for resource in resources:
        covered = [name for name in resource.accounts if name != management and name in ou_of
                   and targets.covers(ou_of[name], name)]
        if covered:
            needs = tuple(replace(n, arn=n.arn.replace("{name}", covered[0])) for n in resource.needs)
            found.append(replace(resource, label=resource.label.replace("{accounts}", _in(covered)), needs=needs))
    return found


def _in(names: Sequence[str]) -> str:
    if len(names) > 3:
        return f"{len(names)} accounts"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _log_archive(estate: Estate) -> list[ProtectedResource]:
    """The trail's bucket, AWS Config's bucket (each only with its service), their key and their access-log
    bucket, as the security stack builds them (constructs/log_archive.py)."""
    org, security = estate.org, estate.org.security
    archive = estate.account(org.core_accounts.log_archive)
    if security is None or archive is None or not (security.enabled("cloudtrail") or security.enabled("config")):
        return []
    org_id, home, name = organization_id(org), org.organization.home_region, org.organization.name
    shown = archive.id or f"<{archive.name}'s account ID>"
    key = f"arn:aws:kms:{home}:{{account}}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    context = resource_context(org_id, account_id(archive), estate.tags())

    def bucket(kind: str) -> tuple[str, str]:
        """(name, label) of the archive's `kind` bucket; `{account}` in the name where the ID is not known."""
        return log_bucket_name(name, kind, archive.id or "{account}"), f"{name}-{kind}-logs-{shown}"

    def resource(kind: str, label: str, needs: Sequence[Need]) -> ProtectedResource:
        return ProtectedResource(kind, label, (archive.name,), tuple(needs), archive.id, context)

    found: list[ProtectedResource] = []
    key_needs: list[Need] = []
    logged: list[str] = []  # the archive buckets, each logging under its name
    if security.enabled("cloudtrail"):
        trail = service_caller("CloudTrail", "cloudtrail.amazonaws.com", "so the organization trail could no "
                               "longer deliver its logs", org_id, account_id(estate.management))
        bucket_name, label = bucket("audit")
        arn = f"arn:aws:s3:::{bucket_name}"
        found.append(resource("log archive bucket", f"the log archive bucket {label}", [
            Need(trail, "s3:GetBucketAcl", arn),
            Need(trail, "s3:PutObject", f"{arn}/AWSLogs/{{account}}/CloudTrail/{home}/log.json.gz")]))
        key_needs += [Need(trail, "kms:GenerateDataKey", key), Need(trail, "kms:DescribeKey", key)]
        logged.append(bucket_name)
    if security.enabled("config"):
        config = service_caller("AWS Config", "config.amazonaws.com", "so AWS Config could no longer deliver "
                                "configuration history", org_id, Symbol("an account of your organization"))
        bucket_name, label = bucket("config")
        arn = f"arn:aws:s3:::{bucket_name}"
        found.append(resource("config bucket", f"the AWS Config bucket {label}", [
            Need(config, "s3:GetBucketAcl", arn), Need(config, "s3:ListBucket", arn),
            Need(config, "s3:PutObject", f"{arn}/AWSLogs/{{account}}/Config/{home}/history.json.gz")]))
        key_needs += [Need(config, "kms:GenerateDataKey", key), Need(config, "kms:Decrypt", key)]
        logged.append(bucket_name)
    logging = service_caller("S3 server access logging", "logging.s3.amazonaws.com", "so the log archive "
                             "buckets' access logs would stop", org_id)
    access, label = bucket("access")
    # one bucket's log writes stand for all: they differ only in the prefix
    return [*found, resource("log archive key", f"the log archive's KMS key {KEY_ALIAS}", key_needs),
            resource("access-log bucket", f"the access-log bucket {label}",
                     [Need(logging, "s3:PutObject", f"arn:aws:s3:::{access}/{logged[0]}/log")])]


def _service_roles(estate: Estate) -> list[ProtectedResource]:
    org_id = organization_id(estate.org)
    names = tuple(a.name for a in estate.accounts)
    roles = [("LambdaExecutionRole", "landingzone/LambdaExecutionRole", "AWS Lambda", "lambda.amazonaws.com",
              "so no function could run as it", names),
             ("APIGatewayRole", "landingzone/APIGatewayRole", "API Gateway", "apigateway.amazonaws.com",
              "so API Gateway could no longer write its logs", names)]
    if estate.org.backup_policy is not None:
        roles.append((BACKUP_ROLE, BACKUP_ROLE, "AWS Backup", BACKUP_PRINCIPAL, "so the organization backup "
                      "policy could no longer back anything up", names))
    spokes = tuple(a.name for a in estate.accounts if a.spoke)
    if spokes:
        roles.append((flow_logs_role("<account>"), flow_logs_role("{name}"), "VPC Flow Logs",
                      "vpc-flow-logs.amazonaws.com", "so the VPC flow logs would stop", spokes))
    found = []
    for role, path, service, principal, purpose, accounts in roles:
        caller = service_caller(service, principal, purpose, org_id)
        context = resource_context(org_id, Symbol("the role's account ID"), estate.tags())
        found.append(ProtectedResource("service role", f"the service role {role} in {{accounts}}", accounts,
                                       (Need(caller, "sts:AssumeRole", f"arn:aws:iam::{{account}}:role/{path}"),),
                                       context=context))
    return found


def _deployer(estate: Estate) -> list[ProtectedResource]:
    org_id = organization_id(estate.org)
    role = estate.deployer_role
    callers = pipeline_callers(org_id, estate.management, estate.pipeline_principals, estate.members)
    context = resource_context(org_id, Symbol("the role's account ID"), estate.tags())
    needs = tuple(Need(c, "sts:AssumeRole", f"arn:aws:iam::{{account}}:role/{role}") for c in callers)
    return [ProtectedResource("deployer role", f"the deployer role {role} in {{accounts}}",
                              tuple(a.name for a in estate.members), needs, context=context)]


def _state_bucket(estate: Estate) -> list[ProtectedResource]:
    if estate.state_bucket is None:
        return []
    home = estate.account(estate.state_bucket_account or "") or estate.management
    callers: Sequence[Caller] = pipeline_callers(organization_id(estate.org), estate.management,
                                                 estate.pipeline_principals, estate.members,
                                                 "so no stack could read, lock or write its state")
    arn = f"arn:aws:s3:::{estate.state_bucket}"
    needs = [Need(c, action, arn if action == "s3:ListBucket" else f"{arn}/{estate.state_key_prefix}/org.tfstate")
             for c in callers for action in ("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject")]
    context = resource_context(organization_id(estate.org), account_id(home), estate.tags())
    return [ProtectedResource("state bucket", f"the state bucket {estate.state_bucket}", (home.name,), tuple(needs),
                              home.id, context)]
