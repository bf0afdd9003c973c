"""What the meeting recorder needs from the rest of the landing zone, checked before anything is built."""

from __future__ import annotations

from landingzone.config.checks_network import reachable_segments
from landingzone.config.workloads import WorkloadCheck
from landingzone.errors import Problem
from meeting_recorder.parameters import Parameters

BEDROCK = "bedrock-runtime"
TRANSCRIBE = "transcribe"  # the AI services opt-out policy's name for Amazon Transcribe
IMAGE_PULL = ("ecr.api", "ecr.dkr")
# A cross-region inference profile only serves callers in its own geography.
GEOGRAPHY = {"us": ("us-",), "eu": ("eu-",), "apac": ("ap-",)}


def check_meeting_recorder(ctx: WorkloadCheck) -> list[Problem]:
    params = ctx.parameters
    assert isinstance(params, Parameters)
    problems = _network(ctx)
    problems += _models(ctx, params)
    problems += _backups(ctx, params)
    problems += _ai_opt_out(ctx, params)
    return problems


def _network(ctx: WorkloadCheck) -> list[Problem]:
    spoke, net = ctx.manifest.network, ctx.network
    if spoke is None:
        return [ctx.problem((), "needs the account's VPC (transcoding runs in its private subnets and Bedrock is "
                                "reached through the hub): add a `network:` block to this manifest")]
    if net is None or spoke.segment not in {s.name for s in net.segments}:
        return []  # already reported against the manifest's `network:` block
    endpoints = net.central_endpoints
    problems = []
    if BEDROCK not in endpoints.services or endpoints.segment not in reachable_segments(net, spoke.segment):
        problems.append(ctx.problem((), f"reaches Bedrock only through the central {BEDROCK} endpoint, which segment "
                                        f"{spoke.segment!r} cannot use: list {BEDROCK} under central_endpoints."
                                        f"services and let {spoke.segment!r} reach {endpoints.segment!r} in "
                                        "config/network.yaml"))
    if not spoke.egress and not all(s in endpoints.services for s in IMAGE_PULL):
        problems.append(ctx.problem((), "pulls its FFmpeg image from ECR, which a VPC without egress reaches only "
                                        "through endpoints: set network.egress: true, or list ecr.api and ecr.dkr "
                                        "under central_endpoints.services in config/network.yaml"))
    return problems


def _models(ctx: WorkloadCheck, params: Parameters) -> list[Problem]:
    region = ctx.network.transit_gateway.region if ctx.network else ctx.organization.organization.home_region
    problems = []
    for task, model in sorted(params.models.model_dump().items()):
        geo = model.split(".", 1)[0]
        if geo in GEOGRAPHY and not region.startswith(GEOGRAPHY[geo]):
            problems.append(ctx.problem(("models", task), f"{model!r} is a {geo} inference profile, which callers in "
                                                          f"{region} cannot use; drop the '{geo}.' prefix or use "
                                                          "the geography of the region"))
    return problems


def _ai_opt_out(ctx: WorkloadCheck, params: Parameters) -> list[Problem]:
    """Confidential recordings go to Amazon Transcribe, which may keep what it processes to improve AWS services
    unless the organization opts out; the organization's opt-out policy must cover this account for it."""
    if params.data_class not in ("confidential", "restricted"):
        return []
    opt_out = ctx.organization.ai_services_opt_out
    setting = opt_out.setting(TRANSCRIBE, ctx.manifest.ou, ctx.manifest.name)
    if setting == "opt_out":
        return []
    if not opt_out.enabled:
        why = "ai_services_opt_out is off (enabled: false)"
    elif setting is None:
        why = "ai_services_opt_out is not attached where this account is"
    else:
        why = f"ai_services_opt_out opts {TRANSCRIBE} in for this account"
    return [ctx.problem(("data_class",), f"'{params.data_class}' recordings go to Amazon Transcribe, which may store "
                        "and use them to improve AWS services unless the organization opts out, and in "
                        f"config/organization.yaml {why}; opt {TRANSCRIBE} out there, or lower data_class to internal")]


def _backups(ctx: WorkloadCheck, params: Parameters) -> list[Problem]:
    """With an organization backup policy the table is saved by it (through its Backup tag); a second plan of the
    workload's own would save everything twice. So that policy must meet the workload's needs."""
    policy = ctx.organization.backup_policy
    if policy is None:
        return []
    problems = []
    if policy.schedule != params.backup.schedule:
        problems.append(ctx.problem(("backup", "schedule"), f"{params.backup.schedule!r} differs from the "
                                    f"organization backup policy's {policy.schedule!r} in config/organization.yaml, "
                                    "which backs this table up; change one to match"))
    if policy.retention_days < params.backup.retention_days:
        problems.append(ctx.problem(("backup", "retention_days"), f"{params.backup.retention_days} days is longer "
                                    f"than the organization backup policy keeps recovery points "
                                    f"({policy.retention_days}, config/organization.yaml)"))
    return problems
