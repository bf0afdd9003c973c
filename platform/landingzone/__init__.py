"""landingzone: an AWS organisation described in YAML, synthesized to Terraform JSON stacks."""

from landingzone.config import load_landing_zone
from landingzone.errors import ConfigError, Problem, render_problem

__all__ = ["ConfigError", "Problem", "load_landing_zone", "render_problem"]
__version__ = "0.1.0"
