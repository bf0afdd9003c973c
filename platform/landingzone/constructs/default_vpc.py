"""The default VPC AWS puts in every region of every account, made inert.

Terraform cannot delete a default VPC: `aws_default_vpc` only adopts it (and creates one where it is missing),
its `force_destroy` deletes it only when the resource itself is destroyed, and not while the default subnets and
internet gateway, which no resource can adopt, are still attached. So it is neutralized instead, and only where
it exists: the VPC is found by lookup, so an account whose default VPCs were already deleted gets none back.
"""

from __future__ import annotations

from cdktf import Fn, TerraformIterator, Token
from cdktf_cdktf_provider_aws.data_aws_network_acls import DataAwsNetworkAcls, DataAwsNetworkAclsFilter
from cdktf_cdktf_provider_aws.data_aws_subnet import DataAwsSubnet
from cdktf_cdktf_provider_aws.data_aws_subnets import DataAwsSubnets, DataAwsSubnetsFilter
from cdktf_cdktf_provider_aws.data_aws_vpcs import DataAwsVpcs, DataAwsVpcsFilter
from cdktf_cdktf_provider_aws.default_network_acl import DefaultNetworkAcl
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.default_subnet import DefaultSubnet
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

NAME = "default (neutralized by landingzone)"


class DefaultVpcLockdown(Part):
    """In one region: the default security group and network ACL keep no rule (an empty network ACL denies all
    traffic), and the default subnets stop giving instances public IPs. Keyed by the VPC's and subnets' IDs,
    which are AWS's own and never renumber."""

    def __init__(self, scope: Construct, id_: str, *, region: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        vpcs = pin(DataAwsVpcs(self, "vpcs", provider=provider,
                               filter=[DataAwsVpcsFilter(name="is-default", values=["true"])]),
                   "default_vpcs", region)
        each_vpc = TerraformIterator.from_list(vpcs.ids)
        vpc_id = Token.as_string(each_vpc.value)
        pin(DefaultSecurityGroup(self, "security-group", for_each=each_vpc, vpc_id=vpc_id, tags={"Name": NAME},
                                 provider=provider), "default_vpc_sg", region)
        acls = pin(DataAwsNetworkAcls(self, "acls", for_each=each_vpc, vpc_id=vpc_id, provider=provider,
                                      filter=[DataAwsNetworkAclsFilter(name="default", values=["true"])]),
                   "default_vpc_acls", region)
        each_acl = TerraformIterator.from_data_sources(acls)
        # The default subnets stay associated with this ACL; Terraform cannot move them, only lose track.
        pin(DefaultNetworkAcl(self, "acl", for_each=each_acl,
                              default_network_acl_id=Token.as_string(Fn.one(each_acl.get_list("ids"))),
                              tags={"Name": NAME}, lifecycle={"ignore_changes": ["subnet_ids"]}, provider=provider),
            "default_vpc_acl", region)
        # Only default VPCs have default-for-az subnets.
        subnet_ids = pin(DataAwsSubnets(self, "subnet-ids", provider=provider, filter=[
            DataAwsSubnetsFilter(name="default-for-az", values=["true"])]), "default_subnets", region)
        each_id = TerraformIterator.from_list(subnet_ids.ids)
        subnets = pin(DataAwsSubnet(self, "subnets", for_each=each_id, id=Token.as_string(each_id.value),
                                    provider=provider), "default_subnet_details", region)
        each_subnet = TerraformIterator.from_data_sources(subnets)
        pin(DefaultSubnet(self, "subnet", for_each=each_subnet,
                          availability_zone=each_subnet.get_string("availability_zone"),
                          map_public_ip_on_launch=False, tags={"Name": NAME}, provider=provider),
            "default_subnet", region)
