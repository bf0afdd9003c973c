"""Build the selected stacks into one CDKTF app and write their Terraform JSON."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from landingzone.config import LandingZone
from landingzone.documents import render_documents
from landingzone.errors import MissingTool
from landingzone.output import DECOMMISSION_FILE, SOURCES_FILE, read_manifest, write_manifest
from landingzone.stacks.parallel import synthesize_in_workers
from landingzone.topology import StackSpec, decommission_allowlist

if TYPE_CHECKING:
    from landingzone.constructs.sources import SourceMap

# The bindings run on Node through jsii; its banner about Node 20's end of life goes to stderr on every run
# and says nothing actionable to a landing-zone user.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")


def load_bindings() -> None:
    """Import the CDKTF bindings: about 10 s, once per process (the AWS provider's jsii assembly loads into Node).

    They run on Node.js; without it jsii fails inside its own start-up (and again when the interpreter exits), so
    Node is looked for first and its absence is a missing tool, not a crash.
    """
    node = os.environ.get("JSII_NODE", "node")
    if shutil.which(node) is None:
        raise MissingTool(f"Node.js is needed to run the CDKTF bindings, and {node!r} is not "
                          f"{'an executable' if os.sep in node else 'on PATH'}; install Node.js 20 or later "
                          "(or set JSII_NODE to its path)")
    import cdktf  # noqa: F401
    import cdktf_cdktf_provider_aws  # noqa: F401


def synthesize(lz: LandingZone, specs: Sequence[StackSpec], outdir: Path, *, documents: bool = True,
               jobs: int = 1, built: Callable[[str], None] | None = None) -> None:
    """Write `stacks/<name>/cdk.tf.json` and `manifest.json` for `specs` into `outdir` (which may exist, empty).

    Beside each stack: `sources.json` (address → the config file it came from, for gate findings) and
    `decommission.custom.spacelift.json` (addresses the config allows to be deleted or replaced; Spacelift
    hands it to plan policies as `input.third_party_metadata.custom.decommission`). Then, unless `documents` is
    False (a synth of some stacks only, which must not describe the landing zone from them), the documents
    (runbooks, diagrams, the stack graph, evidence) that `landingzone.documents` lists. `built(name)` is called as
    each stack's constructs are built, before any is written.

    With `jobs` above 1 the stacks are built in that many worker processes (`landingzone.stacks.parallel`);
    the output is byte for byte the same.
    """
    jobs = min(jobs, len(specs))
    if jobs > 1:
        synthesize_in_workers(lz, specs, outdir, jobs, built)
    else:
        load_bindings()
        app = AppBuild(lz, outdir)
        for spec in specs:
            app.add(spec)
            if built is not None:
                built(spec.name)
        app.write()
    if not documents:
        return
    for relative, text in sorted(render_documents(lz, outdir).items()):
        path = outdir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


class AppBuild:
    """One CDKTF app into `outdir`: stacks added one at a time, then written with the files beside each."""

    def __init__(self, lz: LandingZone, outdir: Path) -> None:
        from cdktf import App  # imported here: 10 s the first time, and only synth needs it

        self.lz, self.outdir = lz, outdir
        self.app = App(outdir=str(outdir), stack_traces=False)
        self.built: list[tuple[StackSpec, SourceMap]] = []

    def add(self, spec: StackSpec) -> object:
        """Build `spec`'s stack into the app; returns it."""
        from landingzone.constructs.sources import SourceMap

        sources = SourceMap()
        stack = spec.load_builder()(self.app, self.lz, spec, sources)
        self.built.append((spec, sources))
        return stack

    def write(self) -> None:
        from landingzone.constructs.assets import take_assets

        self.app.synth()
        write_manifest(self.outdir, read_manifest(self.outdir))
        for spec, sources in self.built:
            folder = self.outdir / "stacks" / spec.name
            document = json.loads((folder / "cdk.tf.json").read_text())
            _write_json(folder / SOURCES_FILE, sources.addresses(document))
            _write_json(folder / DECOMMISSION_FILE, {"allow": list(decommission_allowlist(self.lz, spec.name))})
            for relative, data in sorted(take_assets(spec.name).items()):
                (folder / relative).parent.mkdir(parents=True, exist_ok=True)
                (folder / relative).write_bytes(data)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
