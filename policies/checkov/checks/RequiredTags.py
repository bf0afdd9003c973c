"""Ensure taggable resources carry the organisation's required tags, counting the provider's default tags.

The gate passes the stack's provider `default_tags` and the required keys (from config/organization.yaml)
in LANDINGZONE_DEFAULT_TAGS and LANDINGZONE_REQUIRED_TAGS; run by hand without them, only tags set on
the resource count, which is stricter. Taggable types come from the hashicorp/aws 5.100.0 schema.
"""

import json
import os
from pathlib import Path

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

TAGGABLE = Path(__file__).with_name("taggable_resources.txt").read_text().split()


class RequiredTags(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(name="Ensure taggable resources carry the required tags (Environment, Project, Owner)",
                         id="CKV_LZ_1", categories=[CheckCategories.GENERAL_SECURITY],
                         supported_resources=TAGGABLE)

    def scan_resource_conf(self, conf):
        required = json.loads(os.environ.get("LANDINGZONE_REQUIRED_TAGS", '["Environment", "Project", "Owner"]'))
        tags = dict(json.loads(os.environ.get("LANDINGZONE_DEFAULT_TAGS", "{}")))
        own = conf.get("tags", [{}])
        own = own[0] if isinstance(own, list) and own else own
        if isinstance(own, str):
            return CheckResult.UNKNOWN  # computed tags: nothing to judge before plan
        tags.update({k: v for k, v in (own or {}).items() if not k.startswith("__")})
        missing = [key for key in required if not tags.get(key)]
        if missing:
            self.details.append(f"missing tags: {', '.join(missing)}; cost reports and ABAC policies need them")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = RequiredTags()
