"""Test-only stack builders that fail the ways a builder can, for the serial and the parallel synth alike."""

from __future__ import annotations

import os

from cdktf import TerraformStack

from landingzone.errors import ConfigError, Problem


def build_config_error(scope, lz, spec, sources) -> None:
    raise ConfigError([Problem("accounts/dev.yaml", 3, "workloads", f"{spec.name}: the workload cannot be built")])


def build_bug(scope, lz, spec, sources) -> None:
    raise KeyError(spec.name)


def build_death(scope, lz, spec, sources) -> None:
    os._exit(9)  # as the kernel's OOM killer would end it: no exception, no word


def build_empty(scope, lz, spec, sources) -> TerraformStack:
    return TerraformStack(scope, spec.name)
