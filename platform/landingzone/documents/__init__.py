"""Files written beside the stacks at synth for people rather than Terraform: runbooks, diagrams, evidence.

Each builder is named by import path, takes the landing zone and the synthesized output folder (so it may
read what the stacks hold), and returns {path relative to the output folder: text}. No builder imports cdktf.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path

from landingzone.config import LandingZone

BUILDERS: tuple[str, ...] = (
    "landingzone.documents.identity_runbook:build_identity_runbook",
    "landingzone.documents.network_diagram:network_diagram",
    "landingzone.documents.compliance:build_compliance",
    "landingzone.documents.stack_graph:build_stack_graph",
)


def render_documents(lz: LandingZone, outdir: Path) -> dict[str, str]:
    documents: dict[str, str] = {}
    for name in BUILDERS:
        module, _, function = name.partition(":")
        builder: Callable[[LandingZone, Path], Mapping[str, str]] = getattr(importlib.import_module(module), function)
        for path, text in builder(lz, outdir).items():
            if path in documents:
                raise ValueError(f"{name} writes {path}, which another document builder already wrote")
            documents[path] = text
    return documents
