"""Build the selected stacks into one CDKTF app and write their Terraform JSON."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.stacks.topology import StackSpec

# The bindings run on Node through jsii; its banner about Node 20's end of life goes to stderr on every run
# and says nothing actionable to a landing-zone user.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")


def synthesize(lz: LandingZone, specs: Sequence[StackSpec], outdir: Path) -> None:
    """Write `stacks/<name>/cdk.tf.json` and `manifest.json` for `specs` into `outdir` (which may exist, empty)."""
    from cdktf import App  # imported here: 10 s the first time, and only synth needs it

    app = App(outdir=str(outdir), stack_traces=False)
    for spec in specs:
        spec.load_builder()(app, lz, spec)
    app.synth()
