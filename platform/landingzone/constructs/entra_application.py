"""The Entra ID side of the federation: the AWS IAM Identity Center gallery app in SAML mode, and its groups."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_cdktf_provider_azuread.app_role_assignment import AppRoleAssignment
from cdktf_cdktf_provider_azuread.application import Application, ApplicationFeatureTags, ApplicationWeb
from cdktf_cdktf_provider_azuread.data_azuread_application_template import DataAzureadApplicationTemplate
from cdktf_cdktf_provider_azuread.data_azuread_group import DataAzureadGroup
from cdktf_cdktf_provider_azuread.service_principal import ServicePrincipal, ServicePrincipalFeatureTags
from cdktf_cdktf_provider_azuread.service_principal_token_signing_certificate import (
    ServicePrincipalTokenSigningCertificate,
)
from constructs import Construct

from landingzone.constructs.naming import literal, pin
from landingzone.constructs.part import Part

# Entra's built-in "Default Access" role: an app that defines no role of its own is assigned with it, and it is
# absent from app_role_ids, so a lookup of "User" there fails at plan.
DEFAULT_ACCESS = "00000000-0000-0000-0000-000000000000"

class EntraApplication(Part):
    """The gallery application instantiated from its template, its service principal in SAML mode, and each
    group assigned to it (so SCIM provisions the group and its members).

    `identifier_uri` and `reply_url` are Identity Center's issuer URL and ACS URL. `groups` maps address keys
    to display names; the groups are Entra's and only looked up.
    """

    def __init__(self, scope: Construct, id_: str, *, display_name: str, template: str, identifier_uri: str,
                 reply_url: str, groups: Mapping[str, str], app_role: str | None) -> None:
        super().__init__(scope, id_)
        found = DataAzureadApplicationTemplate(self, "template", display_name=literal(template))
        found.override_logical_id("template")
        self.application = pin(Application(
            self, "application",
            display_name=literal(display_name),
            template_id=found.template_id,
            identifier_uris=[literal(identifier_uri)],
            web=ApplicationWeb(redirect_uris=[literal(reply_url)]),
            feature_tags=[ApplicationFeatureTags(enterprise=True, gallery=True)],
        ), "application")
        # Instantiating a template creates the service principal as well; adopt it rather than fail on it.
        self.service_principal = pin(ServicePrincipal(
            self, "service-principal",
            client_id=self.application.client_id,
            use_existing=True,
            preferred_single_sign_on_mode="saml",
            app_role_assignment_required=True,
            feature_tags=[ServicePrincipalFeatureTags(enterprise=True, gallery=True)],
        ), "service_principal")
        # An application made from a template through Graph has no SAML signing key until one is added, and
        # without it the federation metadata the runbook has Identity Center import carries no certificate.
        pin(ServicePrincipalTokenSigningCertificate(
            self, "signing-certificate", service_principal_id=self.service_principal.id,
            display_name=literal(f"CN={display_name} SAML signing")), "signing_certificate")
        for key, name in sorted(groups.items()):
            group = DataAzureadGroup(self, f"group-{key}", display_name=literal(name), security_enabled=True)
            group.override_logical_id(key)
            pin(AppRoleAssignment(
                self, f"assignment-{key}",
                app_role_id=self.service_principal.app_role_ids.lookup(app_role) if app_role else DEFAULT_ACCESS,
                principal_object_id=group.object_id,
                resource_object_id=self.service_principal.object_id,
            ), key)
