"""Ensure symmetric customer-managed KMS keys rotate their key material."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class KmsKeyRotation(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(name="Ensure KMS keys rotate", id="CKV_LZ_5", categories=[CheckCategories.ENCRYPTION],
                         supported_resources=["aws_kms_key"])

    def scan_resource_conf(self, conf):
        spec = (conf.get("customer_master_key_spec") or ["SYMMETRIC_DEFAULT"])[0]
        if spec != "SYMMETRIC_DEFAULT":
            return CheckResult.UNKNOWN  # AWS rotates only symmetric keys
        if (conf.get("enable_key_rotation") or [False])[0] is True:
            return CheckResult.PASSED
        self.details.append("enable_key_rotation is not true; a leaked key stays valid for every future object")
        return CheckResult.FAILED


check = KmsKeyRotation()
