"""The `meeting-recorder-<account>` stack: every piece of the workload, in the account whose manifest enables it."""

from __future__ import annotations

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.data_aws_subnets import DataAwsSubnets, DataAwsSubnetsFilter
from cdktf_cdktf_provider_aws.data_aws_vpc import DataAwsVpc
from cdktf_cdktf_provider_aws.data_aws_vpc_endpoint import DataAwsVpcEndpoint, DataAwsVpcEndpointFilter
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.model import Account
from landingzone.config.security import Budget
from landingzone.constructs.central_endpoints import HTTPS, endpoint_name
from landingzone.constructs.cost_controls import CostControls
from landingzone.constructs.naming import pin
from landingzone.constructs.sources import SourceMap
from landingzone.stacks.base import AccountProviders, account_stack
from landingzone.stacks.network import ENDPOINTS_VPC
from landingzone.topology import StackSpec
from meeting_recorder.auth import SignIn
from meeting_recorder.checks import BEDROCK
from meeting_recorder.guardrail import Guardrail
from meeting_recorder.key import WorkloadKey
from meeting_recorder.meetings_table import MeetingsTable, TableBackup
from meeting_recorder.monitoring import Alerts
from meeting_recorder.names import WORKLOAD
from meeting_recorder.parameters import Parameters
from meeting_recorder.pipeline import Pipeline
from meeting_recorder.pipeline_definition import Targets
from meeting_recorder.recordings import RecordingsBucket
from meeting_recorder.summariser import Summariser
from meeting_recorder.transcoding import Transcoder


def build_meeting_recorder_stack(scope: Construct, lz: LandingZone, spec: StackSpec,
                                 sources: SourceMap) -> TerraformStack:
    account = lz.account(spec.account)
    params = account.workloads[WORKLOAD]
    assert isinstance(params, Parameters) and lz.network is not None, "checked by check_meeting_recorder"
    region = lz.network.transit_gateway.region
    stack, providers = account_stack(scope, lz, spec.name, account, region,
                                     extra_tags={"Workload": WORKLOAD, "DataClass": params.data_class})
    account_id = providers.account_id(account)
    file = account.file
    key = sources.record(WorkloadKey(stack, "key", account_id=account_id, region=region), file)
    bucket = sources.record(RecordingsBucket(stack, "recordings", organization=lz.organization.organization.name,
                                             account=account.name, account_id=account_id, kms_key_arn=key.arn,
                                             noncurrent_days=params.noncurrent_version_days), file)
    table = sources.record(MeetingsTable(stack, "meetings", kms_key_arn=key.arn if params.table_customer_key
                                         else None), file)
    if lz.organization.backup_policy is None:
        sources.record(TableBackup(stack, "table-backup", table_arn=table.arn, backup=params.backup,
                                   kms_key_arn=key.arn, account_id=account_id), file)
    subnet_ids, group_id = _private_network(stack, account)
    endpoint_id = _central_bedrock_endpoint(stack, lz, providers, region)
    guardrail = sources.record(Guardrail(stack, "guardrail", kms_key_arn=key.arn), file)
    summariser = sources.record(Summariser(
        stack, "summariser", models=params.models, guardrail_arn=guardrail.arn, guardrail_id=guardrail.id,
        guardrail_version=guardrail.version.version, endpoint_id=endpoint_id, bucket_name=bucket.name,
        bucket_arn=bucket.arn, key_arn=key.arn, account_id=account_id, region=region, subnet_ids=subnet_ids,
        security_group_id=group_id, retention_days=params.log_retention_days), file)
    transcoder = sources.record(Transcoder(
        stack, "transcoding", settings=params.transcoding, account_id=account_id, region=region,
        bucket_arn=bucket.arn, key_arn=key.arn, subnet_ids=subnet_ids, security_group_id=group_id,
        retention_days=params.log_retention_days), file)
    pipeline = sources.record(Pipeline(
        stack, "pipeline", account_id=account_id, region=region, bucket_name=bucket.name, bucket_arn=bucket.arn,
        table_arn=table.arn, retention_days=params.log_retention_days,
        targets=Targets(job_queue=transcoder.queue.arn, job_definition=transcoder.job_definition.arn,
                        summariser=summariser.arn, table=table.name, key=key.arn)), file)
    sign_in = sources.record(SignIn(
        stack, "sign-in", project=params.firebase_project_id, account_id=account_id, region=region,
        bucket_arn=bucket.arn, table_arn=table.arn, key_arn=key.arn, session_seconds=params.session_seconds,
        retention_days=params.log_retention_days, subnet_ids=subnet_ids, security_group_id=group_id), file)
    sources.record(Alerts(stack, "alerts", account_id=account_id, kms_key_arn=key.arn, emails=params.alert_emails,
                          functions=[sign_in.function.function_name, summariser.function_name],
                          state_machine_arn=pipeline.arn), file)
    sources.record(CostControls(stack, "cost", account=f"{account.name}-{WORKLOAD}", tag=("Workload", WORKLOAD),
                                budget=Budget(monthly_limit_usd=params.monthly_budget_usd,
                                              alert_emails=params.alert_emails,
                                              anomaly_threshold_usd=params.anomaly_threshold_usd)), file)
    return stack


def _private_network(stack: TerraformStack, account: Account) -> tuple[list[str], str]:
    """The baseline's VPC and private subnets, found by their tags; and the workload's egress-only group."""
    vpc = pin(DataAwsVpc(stack, "vpc", tags={"Name": account.name}), "vpc", account.name)
    subnets = pin(DataAwsSubnets(stack, "private-subnets", filter=[
        DataAwsSubnetsFilter(name="vpc-id", values=[vpc.id]),
        DataAwsSubnetsFilter(name="tag:Tier", values=["private"])]), "subnets", account.name, "private")
    group = pin(SecurityGroup(stack, "tasks-sg", name=f"{WORKLOAD}-tasks", vpc_id=vpc.id,
                              description="The workload's jobs and functions: HTTPS out, nothing in",
                              tags={"Name": f"{WORKLOAD}-tasks"}), "security_group", WORKLOAD, "tasks")
    pin(VpcSecurityGroupEgressRule(stack, "tasks-https-out", security_group_id=group.id, cidr_ipv4="0.0.0.0/0",
                                   ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS,
                                   description="AWS APIs over HTTPS (endpoints, or NAT where the VPC has egress)"),
        "sg_egress", WORKLOAD, "https")
    return subnets.ids, group.id


def _central_bedrock_endpoint(stack: TerraformStack, lz: LandingZone, providers: AccountProviders,
                              region: str) -> str:
    """The hub's Bedrock runtime endpoint, read in the shared-services account by its Name tag."""
    hub: AwsProvider = providers.get(lz.account(lz.organization.core_accounts.shared_services), region)
    endpoint = pin(DataAwsVpcEndpoint(stack, "bedrock-endpoint", provider=hub,
                                      service_name=f"com.amazonaws.{region}.{BEDROCK}", filter=[
                                          DataAwsVpcEndpointFilter(name="tag:Name",
                                                                   values=[endpoint_name(ENDPOINTS_VPC, BEDROCK)])]),
                   "vpc_endpoint", "central", BEDROCK)
    return endpoint.id
