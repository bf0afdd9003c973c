"""Build the selected stacks into one CDKTF app and write their Terraform JSON."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.documents import render_documents
from landingzone.errors import MissingTool
from landingzone.output import DECOMMISSION_FILE, SOURCES_FILE, read_manifest, write_manifest
from landingzone.topology import StackSpec, decommission_allowlist

# The bindings run on Node through jsii; its banner about Node 20's end of life goes to stderr on every run
# and says nothing actionable to a landing-zone user.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")


def synthesize(lz: LandingZone, specs: Sequence[StackSpec], outdir: Path, *, documents: bool = True) -> None:
    """Write `stacks/<name>/cdk.tf.json` and `manifest.json` for `specs` into `outdir` (which may exist, empty).

    Beside each stack: `sources.json` (address → the config file it came from, for gate findings) and
    `decommission.custom.spacelift.json` (addresses the config allows to be deleted or replaced; Spacelift
    hands it to plan policies as `input.third_party_metadata.custom.decommission`). Then, unless `documents` is
    False (a synth of some stacks only, which must not describe the landing zone from them), the documents
    (runbooks, diagrams, the stack graph, evidence) that `landingzone.documents` lists.
    """
    require_node()
    from cdktf import App  # imported here: 10 s the first time, and only synth needs it

    from landingzone.constructs.assets import take_assets
    from landingzone.constructs.sources import SourceMap

    app = App(outdir=str(outdir), stack_traces=False)
    built: list[tuple[StackSpec, SourceMap]] = []
    for spec in specs:
        sources = SourceMap()
        spec.load_builder()(app, lz, spec, sources)
        built.append((spec, sources))
    app.synth()
    write_manifest(outdir, read_manifest(outdir))
    for spec, sources in built:
        folder = outdir / "stacks" / spec.name
        _write_json(folder / SOURCES_FILE, sources.addresses())
        _write_json(folder / DECOMMISSION_FILE, {"allow": list(decommission_allowlist(lz, spec.name))})
        for relative, data in sorted(take_assets(spec.name).items()):
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(data)
    if not documents:
        return
    for relative, text in sorted(render_documents(lz, outdir).items()):
        path = outdir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def require_node() -> None:
    """The bindings start `node` when first imported; without it jsii fails with a bare FileNotFoundError."""
    if shutil.which("node") is None:
        raise MissingTool("Node.js is not on PATH, and synth needs it: the CDKTF bindings run on Node through jsii. "
                          "Install Node.js 20 or later (https://nodejs.org) and run again")


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
