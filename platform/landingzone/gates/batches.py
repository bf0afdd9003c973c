"""Split stacks into batches for one tool process each: balanced by size, bounded in count and bytes."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")


def balanced_batches(sizes: Mapping[str, int], max_items: int, max_bytes: int) -> list[list[str]]:
    """As few batches as the limits allow, the largest items placed first into the lightest batch.

    Deterministic for the same input (ties broken by name); each batch lists its names sorted. An item larger
    than `max_bytes` gets a batch of its own rather than an error: the limits bound memory, not correctness.
    """
    if not sizes:
        return []
    count = max(math.ceil(len(sizes) / max_items), math.ceil(sum(sizes.values()) / max_bytes))
    room = math.ceil(len(sizes) / count)
    batches: list[tuple[int, list[str]]] = [(0, []) for _ in range(count)]
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        index = min((i for i, (_, items) in enumerate(batches) if len(items) < room),
                    key=lambda i: (batches[i][0], i))
        total, items = batches[index]
        batches[index] = (total + sizes[name], [*items, name])
    return [sorted(items) for _, items in batches if items]


def reported(results: dict[str, T], done: Callable[[str], None]) -> dict[str, T]:
    """`results` of one batch, after `done(name)` for each of its names (the caller's progress)."""
    for name in sorted(results):
        done(name)
    return results
