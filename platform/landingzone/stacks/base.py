"""An empty stack as every builder starts it: the backend, `required_version` and providers delivery gives it."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf import TerraformStack
from constructs import Construct

from landingzone.config import Account, LandingZone
from landingzone.delivery.backends import configure
from landingzone.delivery.providers import AccountProviders

__all__ = ["AccountProviders", "account_stack", "plain_stack"]


def account_stack(scope: Construct, lz: LandingZone, name: str, account: Account, region: str,
                  extra_tags: Mapping[str, str] | None = None) -> tuple[TerraformStack, AccountProviders]:
    """A stack whose default provider works in `account` and `region` with that account's credentials; its
    providers tag everything with `extra_tags` too."""
    stack = plain_stack(scope, lz, name)
    return stack, AccountProviders(stack, lz, account, region, extra_tags)


def plain_stack(scope: Construct, lz: LandingZone, name: str) -> TerraformStack:
    """A stack with its backend and `required_version`, and no provider yet."""
    stack = TerraformStack(scope, name)
    configure(stack, lz, name)
    return stack
