"""A stack's inputs: the IDs it needs that the org stack creates, each declared once as a Terraform variable."""

from __future__ import annotations

from cdktf import TerraformStack, TerraformVariable, TerraformVariableValidationConfig

from landingzone.config import Account, LandingZone
from landingzone.constructs.part import path_of
from landingzone.topology.inputs import ORGANIZATION_ID, ROOT_ID, RUN_ID, RUN_ID_DEFAULT, RUN_ID_MAX, account_id_input


class StackInputs:
    """IDs as a stack uses them: the literal where config knows it, else `${var.<name>}` with the variable
    declared (and validated) on first use. Nothing is read through the management account at plan time."""

    def __init__(self, stack: TerraformStack, lz: LandingZone) -> None:
        self._stack, self._lz = stack, lz
        self._declared = declared_variables(stack)

    def account_id(self, account: Account) -> str:
        if account.manifest.id:
            return account.manifest.id
        return self._variable(account_id_input(account.name), f"The ID of account {account.name} (the org stack's "
                              f"output {account_id_input(account.name)})", r"^[0-9]{12}$", "a 12-digit account ID")

    def organization_id(self) -> str:
        settings = self._lz.organization.organization
        if settings.id:
            return settings.id
        return self._variable(ORGANIZATION_ID, "The organization's ID (the org stack's output organization_id)",
                              r"^o-[a-z0-9]{10,32}$", "an organization ID like o-a1b2c3d4e5")

    def organization_arn(self) -> str:
        return (f"arn:aws:organizations::{self.account_id(self._lz.management)}:organization/"
                f"{self.organization_id()}")

    def root_id(self) -> str:
        return self._variable(ROOT_ID, "The ID of the organization's root (the org stack's output "
                              "organization_root_id)", r"^r-[0-9a-z]{4,32}$", "a root ID like r-ab12")

    def session_name(self) -> str:
        """`<stack>@<run>` within the 64 characters STS allows: CloudTrail shows which stack and run acted."""
        run = self._variable(RUN_ID, "The run's ID, in the deployer's session name (Spacelift sets "
                             f"TF_VAR_{RUN_ID}; `{RUN_ID_DEFAULT}` when left out)", rf"^[\w+=,.@-]{{1,{RUN_ID_MAX}}}$",
                             f"1-{RUN_ID_MAX} letters, digits and _ + = , . @ -", default=RUN_ID_DEFAULT)
        return f"{path_of(self._stack)[:64 - RUN_ID_MAX - 1]}@{run}"  # a stack's path is its name

    def _variable(self, name: str, description: str, pattern: str, shape: str, default: str | None = None) -> str:
        if name not in self._declared:
            self._declared.add(name)
            TerraformVariable(self._stack, name, type="string", description=description, default=default,
                              validation=[TerraformVariableValidationConfig(
                                  condition=f"${{can(regex({_hcl_string(pattern)}, var.{name}))}}",
                                  error_message=f"{name} must be {shape}.")])
            # A child of the stack whose ID is a valid logical ID keeps it: no override (a round trip) needed.
        return f"${{var.{name}}}"


def declared_variables(stack: TerraformStack) -> set[str]:
    """The variables declared on `stack` so far, kept on the Python side: asking the construct tree for them
    costs three round trips to Node per variable."""
    if not hasattr(stack, "lz_variables"):
        stack.lz_variables = set()  # type: ignore[attr-defined]
    return stack.lz_variables  # type: ignore[attr-defined]


def _hcl_string(text: str) -> str:
    """`text` as an HCL string literal: backslashes and quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
