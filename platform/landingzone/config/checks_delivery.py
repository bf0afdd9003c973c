"""Checks of `config/delivery.yaml` against itself, the organisation and the management account's manifest."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from landingzone.config.account import AccountManifest
from landingzone.config.delivery import DELIVERY_FILE, LOCKFILE_MINIMUM, MINIMUM, DeliveryConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.uniqueness import unique
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

TOOL_NAMES = {"terraform": "Terraform", "opentofu": "OpenTofu"}
BUCKET_NAME_MAX = 63


def check_delivery(delivery: DeliveryConfig | None, src: Source | None, org: OrganizationConfig, org_src: Source,
                   manifests: Sequence[tuple[AccountManifest, Source]]) -> list[Problem]:
    if delivery is None or src is None:
        return []
    problems = _prerequisites(org, org_src, manifests)
    problems += _backend(delivery, src, org)
    problems += _workflow(delivery, src)
    problems += _deployer(delivery, src, org, org_src)
    return problems


def _prerequisites(org: OrganizationConfig, org_src: Source,
                   manifests: Sequence[tuple[AccountManifest, Source]]) -> list[Problem]:
    """What must exist before the bootstrap stack: the organization, and the management account's known ID."""
    problems = []
    if org.organization.id is None:
        problems.append(org_src.problem(("organization", "id"), f"is required with {DELIVERY_FILE}: the bootstrap "
                                        "stack deploys the deployer role to every member account through a StackSet "
                                        "of the organization, so the organization exists first (`aws organizations "
                                        "create-organization --feature-set ALL`) and the org stack adopts it; write "
                                        "its ID here"))
    management = org.core_accounts.management
    for manifest, msrc in manifests:
        if manifest.name == management and manifest.id is None:
            problems.append(msrc.problem(("id",), f"is required with {DELIVERY_FILE}: the bootstrap and org stacks "
                                         "pin the management account's providers to it (allowed_account_ids) before "
                                         "anything exists that could look it up; write it quoted, like "
                                         "id: \"123456789012\""))
    return problems


def _backend(delivery: DeliveryConfig, src: Source, org: OrganizationConfig) -> list[Problem]:
    backend = delivery.backend
    problems = []
    for key in ("bucket", "access_log_bucket"):
        name = getattr(backend, key)
        if name is not None and (".." in name or _is_ip(name)):
            problems.append(src.problem(("backend", key), f"'{name}' is not a bucket name S3 accepts (no '..', and "
                                        "not shaped like an IP address)"))
    if backend.access_log_bucket is None and len(backend.log_bucket()) > BUCKET_NAME_MAX:
        problems.append(src.problem(("backend", "bucket"), f"leaves no room for the access-log bucket's default "
                                    f"name '{backend.log_bucket()}' ({len(backend.log_bucket())} characters; S3 "
                                    f"allows {BUCKET_NAME_MAX}); name it with backend.access_log_bucket"))
    if backend.access_log_bucket == backend.bucket:
        problems.append(src.problem(("backend", "access_log_bucket"), "is the state bucket itself; S3 access "
                                    "logs go to another bucket"))
    allowed = org.organization.allowed_regions
    if backend.region is not None and backend.region not in allowed:
        problems.append(src.problem(("backend", "region"), f"'{backend.region}' is not in allowed_regions of "
                                    f"config/organization.yaml ({', '.join(allowed)}); the landing zone's own state "
                                    "stays where its data may be"))
    if backend.lock_table is not None and backend.locking != "dynamodb":
        problems.append(src.problem(("backend", "lock_table"), "is used only with locking: dynamodb; remove it, "
                                    "or set locking: dynamodb"))
    workflow = delivery.workflow
    release = _parse(workflow.release())
    if backend.locking == "lockfile" and release < LOCKFILE_MINIMUM[workflow.tool]:
        minimum = ".".join(map(str, LOCKFILE_MINIMUM[workflow.tool][:2]))
        problems.append(src.problem(("backend", "locking"), f"'lockfile' needs {TOOL_NAMES[workflow.tool]} "
                                    f"{minimum} or later, and workflow.version is {workflow.release()}; raise the "
                                    "version, or lock with locking: dynamodb"))
    return problems


def _workflow(delivery: DeliveryConfig, src: Source) -> list[Problem]:
    workflow = delivery.workflow
    name = TOOL_NAMES[workflow.tool]
    if workflow.version is None:
        if workflow.tool == "opentofu":
            return [src.problem(("workflow", "version"), "is required with tool: opentofu; give the exact release "
                                "the runners use, like 1.9.1")]
        return []
    minimum = MINIMUM[workflow.tool]
    if _parse(workflow.version) < minimum:
        return [src.problem(("workflow", "version"), f"'{workflow.version}' is older than {name} "
                            f"{'.'.join(map(str, minimum[:2]))}, the first that reads the import blocks these stacks "
                            "use")]
    return []


def _deployer(delivery: DeliveryConfig, src: Source, org: OrganizationConfig, org_src: Source) -> list[Problem]:
    deployer = delivery.deployer
    problems = [src.problem(("deployer", key), message) for key, message in (
        ("trusted_principals", "is empty; the role must trust at least one runner principal, or nothing could "
         "ever assume it"),
        ("managed_policies", "is empty; the role could change nothing (list at least one policy, or leave the key "
         "out for AdministratorAccess)")) if not getattr(deployer, key)]
    problems += unique(src, ("deployer", "trusted_principals"), deployer.trusted_principals, "principal",
                      rule="each principal is trusted once")
    settings = org.organization
    if (deployer.role_name is not None and "deployer_role" in settings.model_fields_set
            and deployer.role_name != settings.deployer_role):
        line = org_src.line(("organization", "deployer_role"))
        problems.append(src.problem(("deployer", "role_name"), f"'{deployer.role_name}' differs from "
                                    f"organization.deployer_role '{settings.deployer_role}' (config/organization.yaml:"
                                    f"{line}); name the role in one place"))
    return problems


def _parse(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True
