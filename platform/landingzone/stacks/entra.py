"""The optional `entra` stack: the Entra ID side of the SAML federation with IAM Identity Center.

Built with the prebuilt azuread bindings. The azuread provider is not in this machine's offline mirror, so
Terraform cannot validate this stack here (`StackSpec.validate` is False); tests check its JSON's structure.
"""

from __future__ import annotations

from cdktf import TerraformStack
from cdktf_cdktf_provider_azuread.provider import AzureadProvider
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.checks_identity import IDENTITY_FILE
from landingzone.config.identity import address_part, expand_assignments
from landingzone.constructs.entra_application import EntraApplication
from landingzone.constructs.sources import SourceMap
from landingzone.stacks.base import plain_stack
from landingzone.topology import StackSpec


def build_entra_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    identity = lz.identity
    assert identity and identity.entra and identity.identity_center.saml, "validation requires these"
    entra, saml = identity.entra, identity.identity_center.saml
    stack = plain_stack(scope, lz, spec.name)
    AzureadProvider(stack, "azuread", tenant_id=entra.tenant_id)
    active = [a for a in lz.accounts if not a.decommissioned]
    # Only groups with an assignment: SCIM provisions what is assigned to the app, and nothing else is needed.
    groups = sorted({group for group, _, _ in expand_assignments(identity, active)})
    sources.record(EntraApplication(
        stack, "application", display_name=entra.application_name, template=entra.template,
        identifier_uri=saml.issuer_url, reply_url=saml.acs_url,
        groups={address_part(name): name for name in groups}, app_role=entra.app_role,
    ), IDENTITY_FILE)
    return stack
