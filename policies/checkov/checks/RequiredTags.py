"""Ensure taggable resources carry the organisation's required tags, counting the provider's default tags.

The gate passes the required keys (from config/organization.yaml) in LANDINGZONE_REQUIRED_TAGS, and each
stack's provider `default_tags` in a JSON file named by LANDINGZONE_DEFAULT_TAGS_BY_FILE, keyed by the file
as checkov names it to a check ("/" + its path relative to checkov's folder): one checkov process scans many
stacks, each with its own provider. By hand, LANDINGZONE_DEFAULT_TAGS may give one stack's default tags;
without either, only tags set on the resource count, which is stricter. A file missing from the map gets no
default tags, so a mistake there fails resources rather than passing them. Taggable types come from the
hashicorp/aws 5.100.0 schema.
"""

import json
import os
from functools import lru_cache
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
        tags = self._default_tags()
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

    def _default_tags(self) -> dict:
        by_file = os.environ.get("LANDINGZONE_DEFAULT_TAGS_BY_FILE")
        if by_file:
            scanned_file = self.entity_path.rsplit(":", 2)[0]  # checkov sets "<file>:<type>:<name>" before a scan
            return dict(_tags_by_file(by_file).get(scanned_file, {}))
        return dict(json.loads(os.environ.get("LANDINGZONE_DEFAULT_TAGS", "{}")))


@lru_cache(maxsize=4)
def _tags_by_file(path: str) -> dict:
    return json.loads(Path(path).read_text())


check = RequiredTags()
