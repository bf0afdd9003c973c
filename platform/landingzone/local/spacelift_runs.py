"""`up --local` with a `spacelift:` section: each stack applied the way its Spacelift tracked run applies it.

For each stack whose input changed (an unchanged one gets no run, as Spacelift triggers none when no file the stack
is made from changed):

1. a checkout of the project, as the run's worker clones it (the project's files, not what `.gitignore` keeps
   out, with an empty project root `.spacelift/workdir`), under `.landingzone/local/runs/<stack>`;
2. the `before_init` hooks of the committed `.spacelift/config.yml`, resolved for the stack as Spacelift resolves
   them, each in the project root with `TF_VAR_spacelift_stack_id` set, stopping at the first that fails. The first
   hook installs the checkout into the runner image's Python; the local runner is this Python, where landingzone
   is installed already, so that one hook is not run (the run's log says so);
3. the stack the hooks synthesized must be, byte for byte, the one `up` synthesized for the whole organisation
   (what Terraform applies here is that copy, aimed at the local AWS);
4. `terraform plan`, then every plan policy of `policies/spacelift/` on the input Spacelift would give it (the
   plan, and the `*.custom.spacelift.json` files the hooks wrote): any `deny` fails the run before anything is
   applied, naming the policy and its reasons;
5. `terraform apply` of exactly that plan.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.delivery import spacelift_config
from landingzone.errors import ConfigError, Problem
from landingzone.gates.plan_policies import evaluate_all, policy_input
from landingzone.local.processes import Children
from landingzone.local.runner import CHANGED, FAILED, StackRun
from landingzone.local.stack_terraform import StackTerraform
from landingzone.topology import StackSpec

RUNS = "runs"  # under the workspace
HOOKS_LOG = "hooks.log"
# Never part of a clone: the checkout gets its own `.spacelift`, and the workspace would contain itself.
_NOT_CLONED = (".git", ".landingzone", ".spacelift")
_KEEP_ENV_OUT = ("CDKTF_OUTDIR",)  # it would send the hook's synth somewhere else than its --out


def check_committed(lz: LandingZone, specs: Sequence[StackSpec]) -> None:
    """Refuse to run when `.spacelift/config.yml` is missing or is not what synth writes: the runs would execute
    hooks nobody reviewed, or miss a stack."""
    path = lz.root / spacelift_config.CONFIG_FILE
    if not path.is_file():
        why = "is missing"
    elif path.read_text() != spacelift_config.render(lz, specs):
        why = "is not what synth writes for this configuration"
    else:
        return
    raise ConfigError([Problem(str(spacelift_config.CONFIG_FILE), 0, "", f"{why}; run `landingzone synth` and "
                               "commit the file it writes (Spacelift runs read it from the repository)")])


@dataclass(frozen=True)
class AdminView:
    """What the synthesized admin stack says of the Spacelift stacks, read as Spacelift would apply it: each stack's
    labels, and each stack's inputs as its dependency references route them (variable → (stack, output))."""

    labels: Mapping[str, tuple[str, ...]]
    references: Mapping[str, Mapping[str, tuple[str, str]]]

    @classmethod
    def read(cls, admin_stack: Path) -> AdminView:
        resources = json.loads(admin_stack.read_text()).get("resource", {})
        slug = {key: body["slug"] for key, body in resources.get("spacelift_stack", {}).items()}
        edges = {key: (slug[_key_of(body["stack_id"])], slug[_key_of(body["depends_on_stack_id"])])
                 for key, body in resources.get("spacelift_stack_dependency", {}).items()}
        references: dict[str, dict[str, tuple[str, str]]] = {}
        for body in resources.get("spacelift_stack_dependency_reference", {}).values():
            stack, needed = edges[_key_of(body["stack_dependency_id"])]
            variable = body["input_name"].removeprefix("TF_VAR_")
            references.setdefault(stack, {})[variable] = (needed, body["output_name"])
        stacks = resources.get("spacelift_stack", {})
        return cls({slug[key]: tuple(body.get("labels", ())) for key, body in stacks.items()}, references)


def _key_of(reference: str) -> str:
    """`k` of a Terraform reference `${type.k.id}`."""
    return reference.removeprefix("${").removesuffix("}").split(".")[1]


class SpaceliftRuns(StackTerraform):
    """`apply` as the module describes; every other action is plain Terraform on the local copy."""

    def __init__(self, children: Children, stacks_dir: Path, *, project: Path, runs_dir: Path,
                 synthesized: Path, run_id: str, admin: AdminView | None = None) -> None:
        super().__init__(children, stacks_dir, stale_locks_are_ours=True)
        self._project, self._runs, self._synthesized, self._run_id = project, runs_dir, synthesized, run_id
        self._admin = admin or AdminView({}, {})
        self._python = _runner_python(runs_dir)

    def apply(self, name: str) -> StackRun:
        started = time.perf_counter()
        workdir = self._checkout(name)
        if (failure := self._hooks(name, workdir, started)) is not None:
            return failure
        if (why := _differs(workdir, self._synthesized / "stacks" / name)) is not None:
            return StackRun(name, FAILED, self.count(name), time.perf_counter() - started,
                            f"the run's own synth of {name} differs from up's synth of the organisation: {why}")
        planned, plan = self.plan_and_show(name)
        if not planned.ok and planned.status != CHANGED:
            return planned
        given = policy_input(name, self._run_id, plan or self.show_plan(name), workdir,
                             self._admin.labels.get(name, ()))
        verdicts = evaluate_all(self._project, given)
        (self._runs / name / "policies.log").write_text("".join(
            f"{v.policy}: {'deny' if v.deny else 'pass'}\n" + "".join(f"  deny: {m}\n" for m in v.deny)
            + "".join(f"  warn: {m}\n" for m in v.warn) for v in verdicts))
        denied = [f"{v.policy}: {message}" for v in verdicts for message in v.deny]
        if denied:
            return StackRun(name, FAILED, self.count(name), time.perf_counter() - started,
                            "plan policy denied the run, nothing was applied:\n" + "\n".join(denied))
        if planned.ok:  # no change: Spacelift finishes the run without an apply
            return StackRun(name, planned.status, planned.resources, time.perf_counter() - started)
        return self.apply_plan(name, started)

    def _checkout(self, name: str) -> Path:
        checkout = self._runs / name / "checkout"
        shutil.rmtree(checkout, ignore_errors=True)
        ignored = [*_NOT_CLONED, *_ignored_names(self._project)]

        def skipped(_folder: str, names: list[str]) -> set[str]:
            return {n for n in names if any(fnmatch.fnmatch(n, pattern) for pattern in ignored)}

        # Copies, not links: the loader refuses a link that leads outside the project it reads.
        shutil.copytree(self._project, checkout, ignore=skipped, symlinks=True)
        committed = self._project / ".spacelift"
        (checkout / ".spacelift").mkdir()
        shutil.copy2(committed / "config.yml", checkout / spacelift_config.CONFIG_FILE)
        workdir = checkout / spacelift_config.WORKDIR
        if (committed / "workdir").is_dir():
            shutil.copytree(committed / "workdir", workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        return workdir

    def _hooks(self, name: str, workdir: Path, started: float) -> StackRun | None:
        settings = spacelift_config.read_stack_settings(self._project, name)
        hooks = list(settings.get("before_init") or [])
        env = {key: value for key, value in os.environ.items() if key not in _KEEP_ENV_OUT}
        env.update({"PATH": f"{self._python.parent}{os.pathsep}{env.get('PATH', '')}",
                    spacelift_config.STACK_ID: name, "TF_VAR_spacelift_run_id": self._run_id})
        log = [f"project root: {workdir}", f"{spacelift_config.STACK_ID}={name}"]
        failure = None
        for number, hook in enumerate(hooks, start=1):
            if hook == spacelift_config.INSTALL_HOOK:
                log.append(f"$ {hook}\n(not run: the local runner is {sys.executable}, where {_installed()})")
                continue
            result = self._children.command(["/bin/sh", "-c", hook], workdir, env,
                                            what=f"before_init hook {number} of {name}")
            log.append(f"$ {hook}\n{result.stdout}{result.stderr}(exit {result.returncode})")
            if result.returncode != 0:
                tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
                failure = StackRun(name, FAILED, self.count(name), time.perf_counter() - started,
                                   f"before_init hook {number} of {len(hooks)} failed (exit {result.returncode}): "
                                   f"{hook}\n{tail}")
                break
        (self._runs / name / HOOKS_LOG).write_text("\n".join(log) + "\n")
        return failure


def _runner_python(runs_dir: Path) -> Path:
    """A `python3` that is this interpreter (the hooks call `python3`, as in the runner image). A script, not a
    symlink: a virtual environment's interpreter reached through a symlink elsewhere loses the environment."""
    shim = runs_dir / "bin" / "python3"
    shim.parent.mkdir(parents=True, exist_ok=True)
    shim.unlink(missing_ok=True)  # never write through whatever is there (an older shim was a symlink)
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    shim.chmod(0o755)
    return shim


def _installed() -> str:
    try:
        dist = importlib.metadata.distribution("landingzone")
    except importlib.metadata.PackageNotFoundError:
        return "landingzone runs from its source folder"
    origin = dist.read_text("direct_url.json") or ""
    return f"landingzone {dist.version} is installed ({origin.strip() or dist.locate_file('')})"


def _ignored_names(project: Path) -> list[str]:
    """The name patterns of the project's `.gitignore` (a clone holds none of those files); patterns with a
    path inside are not needed to leave out what synth and the tools write."""
    path = project / ".gitignore"
    if not path.is_file():
        return []
    patterns = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")) and "/" not in line.strip("/"):
            patterns.append(line.strip("/"))
    return patterns


def _differs(workdir: Path, synthesized: Path) -> str | None:
    """Why the stack the hooks left in `workdir` is not `synthesized`, or None when it is the same."""
    files = {p.relative_to(synthesized) for p in synthesized.rglob("*") if p.is_file()}
    for relative in sorted(files):
        made = workdir / relative
        if not made.is_file():
            return f"{relative} is missing from the project root"
        if made.read_bytes() != (synthesized / relative).read_bytes():
            return f"{relative} is not the same"
    return None

