"""The base of landingzone's constructs: each knows its construct path on the Python side."""

from __future__ import annotations

from constructs import Construct


class Part(Construct):
    """A construct whose path (`stack/id/...`) is kept on the Python object when it is made.

    `node.path` is two round trips to Node; the source map asks it of every construct it records.
    """

    def __init__(self, scope: Construct, id: str) -> None:  # noqa: A002 - Construct's own parameter name
        super().__init__(scope, id)
        self.lz_path = f"{path_of(scope)}/{id}"


def path_of(construct: Construct) -> str:
    """The construct's path: from the Python side where known, else asked of Node once and kept."""
    path = getattr(construct, "lz_path", None)
    if path is None:
        path = construct.node.path
        construct.lz_path = path  # type: ignore[attr-defined]
    return path
