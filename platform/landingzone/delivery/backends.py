"""Each stack's `terraform` block: where it keeps state and how that is locked, and the Terraform (or OpenTofu)
release it requires."""

from __future__ import annotations

from cdktf import LocalBackend, S3Backend, TerraformStack

from landingzone.config import LandingZone
from landingzone.config.delivery import Backend

STATE_KEY_ALIAS = "alias/landingzone/terraform-state"


def configure(stack: TerraformStack, lz: LandingZone, name: str) -> None:
    """The backend and `required_version` of stack `name`: S3 with config/delivery.yaml, local state without."""
    if lz.delivery is None:
        # cdktf's implicit local backend records an absolute path, which breaks byte-identical output across
        # checkouts; a path relative to the stack's working directory does not.
        LocalBackend(stack, path=f"terraform.{name}.tfstate")
        return
    backend = lz.delivery.backend
    S3Backend(stack, bucket=backend.bucket, key=state_key(backend, name), region=backend_region(lz), encrypt=True,
              kms_key_id=state_key_arn(lz), dynamodb_table=backend.table())
    if backend.locking == "lockfile":
        # cdktf 0.21's S3Backend predates S3's own locking (Terraform 1.10), so its flag goes in as an override.
        stack.add_override("terraform.backend.s3.use_lockfile", True)
    stack.add_override("terraform.required_version", f"~> {lz.delivery.workflow.release()}")


def state_key(backend: Backend, name: str) -> str:
    return f"{backend.key_prefix}/{name}.tfstate"


def backend_region(lz: LandingZone) -> str:
    assert lz.delivery is not None
    return lz.delivery.backend.region or lz.organization.organization.home_region


def state_key_arn(lz: LandingZone) -> str:
    """The configured key, or the alias of the one the bootstrap stack creates (by ARN: an alias name alone
    would resolve in the runner's own account, not the management account's)."""
    assert lz.delivery is not None and lz.management.manifest.id is not None, "validation requires both"
    configured = lz.delivery.backend.kms_key
    return configured or f"arn:aws:kms:{backend_region(lz)}:{lz.management.manifest.id}:{STATE_KEY_ALIAS}"
