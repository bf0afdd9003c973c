"""Config layer: YAML with line numbers → strict pydantic models → one immutable LandingZone.

Imports nothing from cdktf, so validation alone stays fast.
"""

from landingzone.config.loader import load_landing_zone
from landingzone.config.model import Account, LandingZone

__all__ = ["Account", "LandingZone", "load_landing_zone"]
