"""The declarative EC2 policy: the `declarative_ec2:` section of `config/organization.yaml` and the document AWS
Organizations stores for it.

A declarative policy sets an EC2 account attribute in every account it covers and keeps it set: the accounts'
own administrators can no longer change it, and new APIs follow it. Each option is typed with the values AWS
documents; `null` leaves that attribute out of the policy (each account keeps its own setting). Source: AWS
Organizations User Guide, "Declarative policy syntax and examples"
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html).
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field

from landingzone.config.types import Strict, Targets

POLICY_NAME = "ec2-baseline"
Preference = Literal["enabled", "disabled", "no_preference"]


class InstanceMetadataDefaults(Strict):
    """Instance metadata defaults for instances launched in every account."""

    http_tokens: Literal["required", "optional", "no_preference"] = Field(
        default="required", description="`required`: IMDSv2 only (no IMDSv1 credentials). Left out: required.")
    http_put_response_hop_limit: int | None = Field(
        default=2, ge=1, le=64, description="Hops the metadata token travels; containers on an instance need 2. "
        "null: no preference. Left out: 2.")
    http_endpoint: Preference = Field(default="no_preference", description="Whether the metadata endpoint answers "
                                      "at all. Left out: no_preference.")
    instance_metadata_tags: Preference = Field(default="no_preference", description="Whether instance tags are "
                                               "readable from the metadata. Left out: no_preference.")


class VpcBlockPublicAccess(Strict):
    """VPC Block Public Access: whether VPCs reach the internet through internet gateways."""

    mode: Literal["off", "block_ingress", "block_bidirectional"] = Field(
        default="block_ingress", description="`block_ingress`: nothing on the internet opens a connection into a "
        "VPC (NAT gateways and egress-only gateways still let traffic out); `block_bidirectional`: no internet "
        "gateway traffic at all. Left out: block_ingress.")
    exclusions_allowed: bool = Field(default=True, description="Whether accounts may exclude VPCs or subnets "
                                     "(a public load balancer's, say). Left out: true.")


class DeclarativeEc2(Strict):
    """EC2 account attributes the organization enforces.

    ```yaml
    declarative_ec2:
      attach_to: {root: true}
      image_block_public_access: block_new_sharing
      snapshot_block_public_access: block_all_sharing
      serial_console_access: disabled
      instance_metadata_defaults: {http_tokens: required, http_put_response_hop_limit: 2}
      vpc_block_public_access: {mode: block_ingress, exclusions_allowed: true}
    ```
    """

    attach_to: Targets = Field(default=Targets(root=True), description="Where the policy is attached. Left out: "
                               "Root.")
    image_block_public_access: Literal["block_new_sharing", "unblocked"] | None = Field(
        default="block_new_sharing", description="Whether AMIs may be shared publicly. Left out: block_new_sharing.")
    snapshot_block_public_access: Literal["block_all_sharing", "block_new_sharing", "unblocked"] | None = Field(
        default="block_all_sharing", description="Whether EBS snapshots may be public; block_all_sharing also "
        "hides snapshots that are public already. Left out: block_all_sharing.")
    serial_console_access: Literal["disabled", "enabled"] | None = Field(
        default="disabled", description="The EC2 serial console, which reaches an instance without its network. "
        "Left out: disabled.")
    instance_metadata_defaults: InstanceMetadataDefaults | None = Field(
        default=InstanceMetadataDefaults(), description="Left out: IMDSv2 required with a hop limit of 2.")
    vpc_block_public_access: VpcBlockPublicAccess | None = Field(
        default=VpcBlockPublicAccess(), description="Left out: ingress blocked, exclusions allowed.")
    exception_message: str | None = Field(
        default=None, min_length=1, description="What an account's administrator reads when "
        "the policy refuses a change (a wiki link, say). Left out: AWS's own message.")

    def attributes(self) -> dict[str, object]:
        """The `ec2_attributes` the policy sets, in AWS's syntax."""
        found: dict[str, object] = {}
        if self.exception_message is not None:
            found["exception_message"] = _assign(self.exception_message)
        if self.vpc_block_public_access is not None:
            vpc = self.vpc_block_public_access
            found["vpc_block_public_access"] = {"internet_gateway_block": {
                "mode": _assign(vpc.mode), "exclusions_allowed": _assign(_switch(vpc.exclusions_allowed))}}
        if self.serial_console_access is not None:
            found["serial_console_access"] = {"status": _assign(self.serial_console_access)}
        if self.image_block_public_access is not None:
            found["image_block_public_access"] = {"state": _assign(self.image_block_public_access)}
        if self.instance_metadata_defaults is not None:
            found["instance_metadata_defaults"] = _metadata(self.instance_metadata_defaults)
        if self.snapshot_block_public_access is not None:
            found["snapshot_block_public_access"] = {"state": _assign(self.snapshot_block_public_access)}
        return found


def declarative_ec2_document(policy: DeclarativeEc2) -> str:
    return json.dumps({"ec2_attributes": policy.attributes()}, separators=(",", ":"))


def _assign(value: str) -> dict[str, str]:
    return {"@@assign": value}


def _switch(on: bool) -> str:
    return "enabled" if on else "disabled"


def _metadata(defaults: InstanceMetadataDefaults) -> dict[str, object]:
    hops = defaults.http_put_response_hop_limit
    return {"http_tokens": _assign(defaults.http_tokens),
            "http_put_response_hop_limit": _assign("-1" if hops is None else str(hops)),  # -1: no preference
            "http_endpoint": _assign(defaults.http_endpoint),
            "instance_metadata_tags": _assign(defaults.instance_metadata_tags)}
