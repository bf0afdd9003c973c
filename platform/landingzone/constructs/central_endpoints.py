"""Interface endpoints in the endpoints VPC: private DNS off (the hosted zones answer instead), 443 from the
spokes only, and a policy that admits the organization's principals and no one else."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part

HTTPS = 443


# Web-identity and SAML sign-ins are unsigned STS calls: there is no principal yet, so aws:PrincipalOrgID is
# absent and the statement above would deny them. They are admitted when the role assumed is the organization's.
UNSIGNED_STS = ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]


def endpoint_name(vpc_name: str, service: str) -> str:
    """The endpoint's Name tag, by which the workloads that must use it find it."""
    return f"{vpc_name}-{service}"


# Through the runtime endpoint, the organization's principals run models and guardrails, and nothing else.
BEDROCK_RUNTIME_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:ApplyGuardrail"]


def endpoint_policy(service: str, organization_id: str) -> str:
    actions: str | list[str] = BEDROCK_RUNTIME_ACTIONS if service == "bedrock-runtime" else "*"
    statements: list[dict[str, object]] = [
        {"Sid": "OrganizationPrincipalsOnly", "Effect": "Allow", "Principal": "*", "Action": actions, "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization_id}}}]
    if service == "sts":
        statements.append({"Sid": "FederatedSignInToOrganizationRoles", "Effect": "Allow", "Principal": "*",
                           "Action": UNSIGNED_STS, "Resource": "*",
                           "Condition": {"StringEquals": {"aws:ResourceOrgID": organization_id}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class CentralEndpoints(Part):
    def __init__(self, scope: Construct, id_: str, *, name: str, region: str, vpc_id: str, subnet_ids: Sequence[str],
                 services: Sequence[str], clients: Mapping[str, str], organization_id: str) -> None:
        """`clients` maps each spoke account allowed in to its VPC CIDR."""
        super().__init__(scope, id_)
        group = pin(SecurityGroup(self, "sg", name=f"{name}-endpoints", vpc_id=vpc_id,
                                  description="HTTPS to the central interface endpoints from spoke VPCs only",
                                  tags={"Name": f"{name}-endpoints"}), "security_group", "endpoints")
        group_id = ref(group, "id")
        for account, cidr in sorted(clients.items()):
            pin(VpcSecurityGroupIngressRule(self, f"https-{account}", security_group_id=group_id, cidr_ipv4=cidr,
                                            ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS,
                                            description=f"HTTPS from the {account} VPC"),
                "sg_ingress", "endpoints", account)
        self.endpoints = {
            service: pin(VpcEndpoint(self, f"endpoint-{service}", vpc_id=vpc_id,
                                     service_name=f"com.amazonaws.{region}.{service}", vpc_endpoint_type="Interface",
                                     private_dns_enabled=False, subnet_ids=list(subnet_ids),
                                     security_group_ids=[group.id], policy=endpoint_policy(service, organization_id),
                                     tags={"Name": endpoint_name(name, service)}), "vpc_endpoint", service)
            for service in services}
