"""Checks across files for the `baseline:` section and the manifests' own baseline overrides."""

from __future__ import annotations

from landingzone.config.organization import OrganizationConfig
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

IAM_PRINCIPAL = "iam.amazonaws.com"


def check_baseline(org: OrganizationConfig, src: Source) -> list[Problem]:
    if org.baseline.centralized_root_access and IAM_PRINCIPAL not in org.organization.service_access_principals:
        return [src.problem(("baseline", "centralized_root_access"), f"needs the organization to trust "
                            f"{IAM_PRINCIPAL}; add it to organization.service_access_principals, or set "
                            "centralized_root_access: false")]
    return []
