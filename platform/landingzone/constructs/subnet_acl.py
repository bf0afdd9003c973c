"""The network ACL of a VPC's subnets, so that the VPC's default ACL can keep no rule (CIS AWS Foundations 5.x,
AWS Foundational Security Best Practices EC2.2 and EC2.21).

Security groups stay the control that decides what reaches what; this stateless layer only refuses what no
subnet here should ever get: traffic from outside the VPC and the hub's ranges, except replies. Replies come back
to ephemeral ports from anywhere: through NAT, and from S3 and DynamoDB through the gateway endpoints, whose
addresses are public. An internet-facing load balancer in a public subnet would need its listener added here.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.default_network_acl import DefaultNetworkAcl
from cdktf_cdktf_provider_aws.network_acl import NetworkAcl, NetworkAclEgress, NetworkAclIngress
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

ANYWHERE = "0.0.0.0/0"
EPHEMERAL = (1024, 65535)
RDP = 3389  # the one remote-administration port inside the ephemeral range (SSH's 22 is below it)


def _allow_all(rule: int, cidr: str) -> NetworkAclIngress:
    return NetworkAclIngress(rule_no=rule, action="allow", protocol="-1", cidr_block=cidr, from_port=0, to_port=0)


class SubnetAcl(Part):
    """Inbound: everything from the VPC and from `peer_cidrs` (the hub routes), TCP replies from anywhere but
    never to RDP, and ICMP "fragmentation needed" so path MTU discovery works. Outbound: everything (the route
    tables and security groups decide). The VPC's default ACL, left with no subnet, is stripped of its rules
    only after the subnets have moved here, so an existing VPC is never cut off in between."""

    def __init__(self, scope: Construct, id_: str, *, name: str, vpc_id: str, default_acl_id: str, vpc_cidr: str,
                 peer_cidrs: Sequence[str], subnet_ids: Sequence[str], provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        ingress = [_allow_all(100, vpc_cidr)]
        ingress += [_allow_all(110 + index, cidr) for index, cidr in enumerate(dict.fromkeys(peer_cidrs))]
        ingress += [
            NetworkAclIngress(rule_no=200, action="deny", protocol="tcp", cidr_block=ANYWHERE, from_port=RDP,
                              to_port=RDP),
            NetworkAclIngress(rule_no=300, action="allow", protocol="tcp", cidr_block=ANYWHERE,
                              from_port=EPHEMERAL[0], to_port=EPHEMERAL[1]),
            NetworkAclIngress(rule_no=310, action="allow", protocol="icmp", cidr_block=ANYWHERE, from_port=0,
                              to_port=0, icmp_type=3, icmp_code=4)]
        self.acl = pin(NetworkAcl(self, "acl", vpc_id=vpc_id, subnet_ids=list(subnet_ids), ingress=ingress,
                                  egress=[NetworkAclEgress(rule_no=100, action="allow", protocol="-1",
                                                           cidr_block=ANYWHERE, from_port=0, to_port=0)],
                                  tags={"Name": f"{name}-subnets"}, provider=provider), "network_acl", name)
        pin(DefaultNetworkAcl(self, "default", default_network_acl_id=default_acl_id, tags={"Name": f"{name}-default"},
                              lifecycle={"ignore_changes": ["subnet_ids"]}, depends_on=[self.acl], provider=provider),
            "default_network_acl", name)
