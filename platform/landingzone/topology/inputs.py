"""The values a stack takes from outside as Terraform variables, named as the `org` stack's outputs that fill
them: Spacelift passes each through a stack-dependency reference, and a local run from org's `terraform output`.

A manifest `id` (or `organization.id`) is written into the stacks as it is, and needs no input.
"""

from __future__ import annotations

ORGANIZATION_ID = "organization_id"
ROOT_ID = "organization_root_id"
# Spacelift sets TF_VAR_spacelift_run_id in every run; the deployer's session name carries it into CloudTrail.
RUN_ID = "spacelift_run_id"
RUN_ID_DEFAULT = "manual"
RUN_ID_MAX = 26  # a Spacelift run ID (a ULID) is 26 characters; a session name holds 64


def account_id_input(account: str) -> str:
    """`account_id_log_archive`: the org stack's output, and the variable of the stacks that need the ID."""
    return "account_id_" + account.replace("-", "_")  # names have no `_`, so this stays one-to-one
