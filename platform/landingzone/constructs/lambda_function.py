"""A Python Lambda function from one handler file: its own encrypted log group with a retention, X-Ray tracing,
a workload role allowed to write that log group and nothing else by default, and optionally a VPC."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionEnvironment,
    LambdaFunctionLoggingConfig,
    LambdaFunctionTracingConfig,
    LambdaFunctionVpcConfig,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.assets import add_asset, base64_sha256, deterministic_zip
from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part
from landingzone.constructs.workload_role import Statement, WorkloadRole, service_trust

RUNTIME = "python3.12"
# X-Ray's write calls have no resource-level permissions: `*` is the only resource they accept.
XRAY_WRITE = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
# Lambda creates and removes its network interfaces with the function's role. The Describe calls accept only `*`;
# the rest are held to this account's interfaces, subnets and security groups.
ENI_DESCRIBE = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
                "ec2:DescribeVpcs"]
ENI_MANAGE = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
              "ec2:UnassignPrivateIpAddresses"]


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # the role's and log group's name too, under the workload
    handler_file: Path
    description: str
    statements: Sequence[Statement] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    timeout: int = 30
    memory_mib: int = 256
    reserved_concurrency: int = 10
    subnet_ids: Sequence[str] = ()
    security_group_ids: Sequence[str] = ()


class PythonFunction(Part):
    def __init__(self, scope: Construct, id_: str, *, workload: str, spec: FunctionSpec, account_id: str,
                 region: str, kms_key_arn: str, retention_days: int, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        function_name = f"{workload}-{spec.name}"
        self.log_group = pin(CloudwatchLogGroup(self, "logs", name=f"/aws/lambda/{function_name}",
                                                retention_in_days=retention_days, kms_key_id=kms_key_arn,
                                                provider=provider), "log_group", workload, spec.name)
        log_arn = f"arn:aws:logs:{region}:{account_id}:log-group:/aws/lambda/{function_name}"
        statements: list[Statement] = [
            {"Sid": "OwnLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": f"{log_arn}:*"},
            {"Sid": "Tracing", "Effect": "Allow", "Action": XRAY_WRITE, "Resource": "*"},
            *spec.statements]
        if spec.subnet_ids:
            statements += [
                {"Sid": "DescribeNetwork", "Effect": "Allow", "Action": ENI_DESCRIBE, "Resource": "*"},
                {"Sid": "OwnNetworkInterfaces", "Effect": "Allow", "Action": ENI_MANAGE, "Resource": [
                    f"arn:aws:ec2:{region}:{account_id}:{kind}/*"
                    for kind in ("network-interface", "subnet", "security-group")]}]
        self.role = WorkloadRole(self, "role", workload=workload, name=spec.name, account_id=account_id,
                                 trust=service_trust("lambda.amazonaws.com", account_id), statements=statements,
                                 description=f"Runs the {function_name} function.", provider=provider)
        code = deterministic_zip({spec.handler_file.name: spec.handler_file.read_bytes()})
        self.function = pin(LambdaFunction(
            self, "function", function_name=function_name, description=spec.description, role=self.role.arn,
            runtime=RUNTIME, architectures=["arm64"], handler=f"{spec.handler_file.stem}.handler",
            filename=add_asset(self, f"{function_name}.zip", code), source_code_hash=base64_sha256(code),
            timeout=spec.timeout, memory_size=spec.memory_mib, reserved_concurrent_executions=spec.reserved_concurrency,
            kms_key_arn=kms_key_arn, tracing_config=LambdaFunctionTracingConfig(mode="Active"),
            logging_config=LambdaFunctionLoggingConfig(log_format="JSON", log_group=self.log_group.name,
                                                       application_log_level="INFO", system_log_level="WARN"),
            environment=LambdaFunctionEnvironment(variables=dict(spec.environment)) if spec.environment else None,
            vpc_config=LambdaFunctionVpcConfig(subnet_ids=list(spec.subnet_ids),
                                               security_group_ids=list(spec.security_group_ids))
            if spec.subnet_ids else None,
            depends_on=[self.log_group], provider=provider), "lambda_function", workload, spec.name)
        self.arn = self.function.arn
        self.function_name = function_name
