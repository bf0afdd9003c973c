"""Ensure VPC endpoints for Amazon Bedrock carry an endpoint policy.

Without one, the endpoint's default policy allows any principal to call any model through it, and the
PrivateLink path stops being a control point for who may reach Bedrock.
"""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class BedrockEndpointPolicy(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(name="Ensure Bedrock VPC endpoints carry an endpoint policy", id="CKV_LZ_4",
                         categories=[CheckCategories.NETWORKING], supported_resources=["aws_vpc_endpoint"])

    def scan_resource_conf(self, conf):
        service = str((conf.get("service_name") or [""])[0])
        if ".bedrock" not in service:
            return CheckResult.UNKNOWN  # not a Bedrock endpoint: does not apply
        policy = (conf.get("policy") or [""])[0]
        if policy:
            return CheckResult.PASSED
        self.details.append(f"{service} has no policy; the default allows every principal and model")
        return CheckResult.FAILED


check = BedrockEndpointPolicy()
