"""Synthesis in worker processes: disjoint groups of stacks, each worker one CDKTF app, merged into one output.

Every worker pays the binding's import once (about 10 s), builds its first stack (worker i stack i: the
stacks that hold every account come first) and then the next from a shared counter until none are left: stacks
differ in size a hundredfold (`org` holds every account, a baseline one), so groups fixed in advance would leave
a worker idle. Which worker builds a stack cannot show in the output: a stack's JSON depends only on the
configuration and the stack (a single-stack synth equals the full one, tests/test_single_stack_synth.py), the
manifest is re-serialised sorted, and the documents are written once, from the merged output, by the caller.

The `admin` stack (Spacelift) needs the variables every other stack declares: the worker that takes it asks the
caller, which answers once every other stack is reported built with its variables, so nothing is built twice
(left to itself, admin would build aside each stack of the other workers).

Workers are spawned, not forked: a fork would copy whatever threads the parent runs. A failure in a worker is
raised in the caller as the exception the worker raised (a configuration error stays one), with the place it
was raised in the worker as `origin` (shown by the CLI's one-line internal error) and the worker's traceback as
`worker_traceback`. A worker that dies without a word (killed, out of memory) is reported with its exit code.
"""

from __future__ import annotations

import multiprocessing
import pickle
import tempfile
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from landingzone.config import LandingZone
from landingzone.output import read_manifest, write_manifest
from landingzone.topology import ADMIN, StackSpec

# What cdktf writes at the top of an output; anything else in a part would be lost by the merge.
PART_ENTRIES = frozenset({"manifest.json", "stacks"})


class WorkerDied(RuntimeError):
    """A synth worker ended without reporting a result or an error."""


def synthesize_in_workers(lz: LandingZone, specs: Sequence[StackSpec], outdir: Path, jobs: int,
                          built: Callable[[str], None] | None = None) -> None:
    """Build the stacks in `jobs` processes, each into a part folder, then move them into `outdir` with one
    manifest (and the files beside each stack); the documents are the caller's. `built(name)` is called here,
    in the caller, as a worker reports each stack built."""
    context = multiprocessing.get_context("spawn")
    counter = context.Value("i", jobs)  # worker i starts with stack i, so every worker builds, then takes more
    with tempfile.TemporaryDirectory(prefix=".synth-parts-", dir=outdir.parent) as scratch:
        parts = [Path(scratch) / f"part-{index}" for index in range(jobs)]
        workers, pipes, answers = [], [], []
        try:
            for first, part in enumerate(parts):
                receive, send = context.Pipe(duplex=False)
                asked, answer = context.Pipe(duplex=False)
                worker = context.Process(target=_work, args=(lz, list(specs), first, counter, part, send, asked),
                                         daemon=True)
                worker.start()
                send.close()  # the worker holds the sending end; the parent sees EOF when the worker is gone
                asked.close()
                workers.append(worker)
                pipes.append(receive)
                answers.append(answer)
            _collect(workers, pipes, answers, len(specs), built or (lambda _name: None))
        finally:
            for worker in workers:  # after an error or Ctrl-C: the others' work is moot
                if worker.is_alive():
                    worker.terminate()
                worker.join()
        _merge_parts(parts, outdir)


def _work(lz: LandingZone, specs: list[StackSpec], first: int, counter: Any, part: Path, send: Connection,
          asked: Connection) -> None:
    """One worker: import the bindings, build stack `first`, then take stacks off the shared counter until none
    are left."""
    try:
        from landingzone.stacks.synth import AppBuild, load_bindings

        load_bindings()  # first: it says what is missing where the import of anything on cdktf would crash
        from landingzone.delivery.admin import declare_elsewhere, variables_of

        for builder in dict.fromkeys(spec.builder for spec in specs):
            StackSpec("", "", builder).load_builder()  # the import, paid before taking a stack
        part.mkdir(parents=True)
        app = AppBuild(lz, part)
        index = first
        while index < len(specs):
            if specs[index].name == ADMIN:
                send.send(("inputs?", None))
                declare_elsewhere(app.app, asked.recv())
            stack = app.add(specs[index])
            send.send(("built", (specs[index].name, variables_of(stack))))
            index = _next(counter)
        app.write()
        send.send(("done", None))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the caller, which decides
        send.send(("error", _portable(error)))
    finally:
        send.close()


def _next(counter: Any) -> int:
    with counter.get_lock():
        index = int(counter.value)
        counter.value += 1
    return index


def _portable(error: BaseException) -> BaseException:
    """The error with where it was raised attached, in a form that survives pickling."""
    frames = traceback.extract_tb(error.__traceback__)
    origin = (frames[-1].filename, frames[-1].lineno, frames[-1].name) if frames else None
    text = "".join(traceback.format_exception(error))
    try:
        error.origin, error.worker_traceback = origin, text  # type: ignore[attr-defined]
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - an exception that will not pickle travels as its type's name and text
        stand_in = RuntimeError(f"{type(error).__name__}: {error}")
        stand_in.origin, stand_in.worker_traceback = origin, text  # type: ignore[attr-defined]
        return stand_in


def _collect(workers: list[Any], pipes: list[Connection], answers: list[Connection], stacks: int,
             built: Callable[[str], None]) -> None:
    """Wait for every worker, passing on each stack it reports built, and answering the one that asks for the
    other stacks' variables once all of them are built; raise the first error reported (or a silent death) at
    once."""
    pending = dict(zip(pipes, workers, strict=True))
    answer_to = dict(zip(pipes, answers, strict=True))
    declared: dict[str, list[str]] = {}
    asking: Connection | None = None
    while pending:
        if asking is not None and len(declared) == stacks - 1:
            asking.send(declared)
            asking = None
        for pipe in wait(list(pending)):
            try:
                status, payload = pipe.recv()
            except EOFError:
                worker = pending.pop(pipe)  # type: ignore[call-overload]
                worker.join()
                raise WorkerDied(f"a synth worker ended with exit code {worker.exitcode} before reporting "
                                 "(killed, or out of memory?)") from None
            if status == "built":
                name, variables = payload
                declared[name] = variables
                built(name)
                continue
            if status == "inputs?":
                asking = answer_to[pipe]
                continue
            pending.pop(pipe)  # type: ignore[call-overload]
            if status == "error":
                raise payload


def _merge_parts(parts: list[Path], outdir: Path) -> None:
    """Move every part's stack folders into `outdir` and write the union of their manifests."""
    stacks: dict[str, object] = {}
    manifest: dict[str, object] = {}
    (outdir / "stacks").mkdir(parents=True, exist_ok=True)
    for part in parts:
        unknown = sorted(entry.name for entry in part.iterdir() if entry.name not in PART_ENTRIES)
        if unknown:
            raise RuntimeError(f"cdktf wrote {', '.join(unknown)} beside the stacks; the merge of parallel synth "
                               "does not know it (synthesize with jobs=1)")
        manifest = read_manifest(part)
        stacks.update(manifest["stacks"])  # type: ignore[call-overload]
        for folder in sorted((part / "stacks").iterdir()):
            folder.rename(outdir / "stacks" / folder.name)
    write_manifest(outdir, {**manifest, "stacks": stacks})
