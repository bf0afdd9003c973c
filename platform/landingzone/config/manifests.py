"""What in `accounts/` is an account manifest, decided once.

- A manifest is a regular file anywhere under `accounts/` (subfolders included, so teams can group
  accounts) whose name ends in `.yaml` or `.yml`, in any case (`prod.YAML` is read).
- Never read: anything that resolves outside the project (a symbolic link to `/etc/...` or to another
  checkout). It is an error, as is a link that points nowhere.
- An error, not a silent skip: a hidden `*.yaml` (`.prod.yaml`), and Emacs's lock file `.#prod.yaml`, which
  means the manifest has unsaved changes in an editor (validating the file on disk would check something else).
- Skipped with a note, since they are copies and not accounts: editor backups and swap files whose name still
  says YAML (`prod.yaml~`, `#prod.yaml#`, `prod.yaml.bak`, `.prod.yaml.swp`, `prod.yaml.orig`), and other files
  named like a manifest in another format (`prod.json`).
- Files that do not look like manifests at all (`README.md`, `.gitkeep`) are ignored.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from landingzone.errors import Problem

ACCOUNTS_DIR = "accounts"
_MANIFEST = re.compile(r"^[^.#].*\.ya?ml$", re.IGNORECASE)
_LOCK = re.compile(r"^\.#(.+\.ya?ml)$", re.IGNORECASE)
_BACKUP = re.compile(r"^(?:#.*#|.*~|.*\.(?:bak|orig|rej|swp|swo|tmp|old))$", re.IGNORECASE)
_LOOKS_LIKE = re.compile(r"\.(?:ya?ml|json)", re.IGNORECASE)


@dataclass
class Manifests:
    """Manifest paths by their display name (`accounts/team/prod.yaml`), and what was refused or skipped."""

    files: list[tuple[str, Path]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_manifests(root: Path) -> Manifests:
    found = Manifests()
    folder = root / ACCOUNTS_DIR
    if not folder.is_dir():
        found.problems.append(Problem(f"{ACCOUNTS_DIR}/", 0, "", "is missing; add one YAML file per account"))
        return found
    for path in _walk(folder, root, found):
        _classify(path, path.relative_to(root).as_posix(), root, found)
    if not found.files and not found.problems:
        found.problems.append(Problem(f"{ACCOUNTS_DIR}/", 0, "", "holds no *.yaml manifests; add one file per "
                                      "account"))
    found.files.sort()
    return found


def _walk(folder: Path, root: Path, found: Manifests) -> list[Path]:
    """Every entry under `folder`, following links to folders inside the project only (and each folder once)."""
    paths, seen = [], set()
    for current, dirs, files in os.walk(folder, followlinks=True):
        here = Path(current)
        real = here.resolve()
        if real in seen or not real.is_relative_to(root):
            display = here.relative_to(root).as_posix()
            if not real.is_relative_to(root):
                found.problems.append(Problem(f"{display}/", 0, "", f"{link_target(here)} outside the project; "
                                              "landingzone reads nothing outside it (copy the manifests in instead)"))
            dirs.clear()
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        paths += [here / name for name in sorted(files)]
    return paths


def link_target(path: Path) -> str:
    """`is a link to ../shared/prod.yaml,` as the link says it (the resolved path differs per machine)."""
    link = next((p for p in (path, *path.parents) if p.is_symlink()), None)
    return f"is a link to {os.readlink(link)}," if link is not None else "lies"


def _classify(path: Path, display: str, root: Path, found: Manifests) -> None:
    name = path.name
    lock = _LOCK.match(name)
    if lock:
        found.problems.append(Problem(display, 0, "", f"is an editor's lock file: {lock.group(1)} has unsaved changes; "
                                      "save it (the lock goes away) and run again"))
    elif _BACKUP.match(name) and _LOOKS_LIKE.search(name):
        found.notes.append(f"skipped {display}: an editor's backup or swap file, not a manifest")
    elif name.startswith(".") and _LOOKS_LIKE.search(name):
        found.problems.append(Problem(display, 0, "", "is a hidden file; landingzone reads no hidden manifests "
                                      f"(rename it to {name.lstrip('.')}, or move it out of accounts/)"))
    elif _MANIFEST.match(name):
        _manifest(path, display, root, found)
    elif _LOOKS_LIKE.search(name):
        found.notes.append(f"skipped {display}: manifests are YAML files ending in .yaml or .yml")


def _manifest(path: Path, display: str, root: Path, found: Manifests) -> None:
    if not path.is_symlink() and path.is_file():  # its folder was resolved inside the project by _walk
        found.files.append((display, path))
        return
    real = path.resolve()
    if not real.is_relative_to(root):
        found.problems.append(Problem(display, 0, "", f"{link_target(path)} outside the project; landingzone "
                                      "reads nothing outside it (copy the file in instead)"))
    elif not real.exists():
        found.problems.append(Problem(display, 0, "", "is a link to a file that does not exist"))
    elif not real.is_file():
        found.problems.append(Problem(display, 0, "", "is not a regular file"))
    else:
        found.files.append((display, path))
