"""One golden `cdk.tf.json` per stack of the example organisation; a diff here is reviewed, never waved through.

After an intended change: `UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`, then read the diff in git.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.synth

GOLDEN = Path(__file__).parent / "golden"


def test_golden_files_cover_every_stack(example_synth: Path) -> None:
    synthesized = sorted(p.name for p in (example_synth / "stacks").iterdir())
    assert sorted(p.name.removesuffix(".cdk.tf.json") for p in GOLDEN.glob("*.cdk.tf.json")) == synthesized


@pytest.mark.parametrize("stack", sorted(p.name.removesuffix(".cdk.tf.json") for p in GOLDEN.glob("*.cdk.tf.json")))
def test_stack_matches_golden(example_synth: Path, stack: str) -> None:
    actual = (example_synth / "stacks" / stack / "cdk.tf.json").read_text()
    golden = GOLDEN / f"{stack}.cdk.tf.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(actual)
    assert actual == golden.read_text(), f"{stack} differs from {golden}; review, then UPDATE_GOLDEN=1"
