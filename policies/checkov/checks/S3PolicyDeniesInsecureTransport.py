"""Ensure S3 bucket policies deny requests that do not use TLS (aws:SecureTransport = false)."""

import json

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _denies_plain_http(statement) -> bool:
    condition = statement.get("Condition", {})
    secure = {**condition.get("Bool", {}), **condition.get("BoolIfExists", {})}.get("aws:SecureTransport")
    principal = statement.get("Principal")
    everyone = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))
    actions = _as_list(statement.get("Action", []))
    return (statement.get("Effect") == "Deny" and everyone and str(secure).lower() == "false"
            and any(a in ("*", "s3:*") for a in actions))


class S3PolicyDeniesInsecureTransport(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(name="Ensure S3 bucket policies deny access without TLS", id="CKV_LZ_2",
                         categories=[CheckCategories.ENCRYPTION], supported_resources=["aws_s3_bucket_policy"])

    def scan_resource_conf(self, conf):
        raw = conf.get("policy", [""])
        raw = raw[0] if isinstance(raw, list) else raw
        if isinstance(raw, dict):
            document = raw
        else:
            try:
                document = json.loads(raw)
            except (TypeError, ValueError):
                return CheckResult.UNKNOWN  # a reference resolved only at plan time
        if any(_denies_plain_http(s) for s in _as_list(document.get("Statement", []))):
            return CheckResult.PASSED
        self.details.append("no statement denies s3:* to Principal * when aws:SecureTransport is false; "
                            "without it, objects can be read and written over plain HTTP")
        return CheckResult.FAILED


check = S3PolicyDeniesInsecureTransport()
