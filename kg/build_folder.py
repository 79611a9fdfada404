"""The folder a build goes into: which folders a build may replace, and replacing one so that
at every instant the folder is the old build or the new one.

A build is written in a work folder beside its target, `.NAME.building-PID`, and swapped in
when complete: on Linux in one step (renameat2 with RENAME_EXCHANGE), elsewhere by two renames
through `.NAME.old-PID`. The work folders of builds that were killed are removed by the next
build into the same folder, and a target left missing between the two renames is put back.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.records import KGError

KIND = "kg build"  # the "kind" of every build's manifest.json
MANIFEST = "manifest.json"
PAPERS_FILE = "papers.jsonl"  # the papers a build holds, which the next build into it reads
# what the manifest of a build made before it said its kind holds
OLDER_MANIFEST_KEYS = ("kg_version", "papers", "nodes", "edges")
# what a build writes in its work folder (the Cypher store may leave files named after it)
WORK_ENTRIES = {PAPERS_FILE, "extraction.jsonl", MANIFEST, "graph.graphml", "rdf", "neo4j", ".parts", "index.sqlite"}
WORK_PREFIXES = ("cypher", ".papers.sqlite")


def is_build(folder: Path) -> bool:
    """Whether `folder` holds a build: its manifest.json says so, or has what older ones held."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and (
        manifest.get("kind") == KIND or all(key in manifest for key in OLDER_MANIFEST_KEYS))


def target_folder(out: Path, inputs: Iterable[Path]) -> Path:
    """The folder a build into `out` replaces (symbolic links followed), or KGError when a build
    may not go there: the current folder or one holding it, an input, or a folder of inputs."""
    target = Path(out).resolve()
    here = Path.cwd().resolve()
    if target == here:
        raise KGError(f"--out {out}: is the current folder; a build goes in a folder of its own (e.g. --out graph)")
    if target in here.parents:
        raise KGError(f"--out {out}: holds the current folder; a build goes in a folder of its own (e.g. --out graph)")
    for path in inputs:
        source = Path(path).resolve()
        if source == target:
            raise KGError(f"--out {out}: is the input {path}; a build goes in a folder of its own")
        if source in target.parents:
            raise KGError(f"--out {out}: is inside the input {path}; a build goes in a folder of its own")
        if target in source.parents:
            raise KGError(f"--out {out}: holds the input {path}; a build goes in a folder of its own")
    return target


def prepare(target: Path, out: Path | None = None, inputs: Iterable[Path] = ()) -> None:
    """Make `target` ready to be replaced by a build: put back a build left missing by a killed
    swap, refuse (KGError, nothing touched) a folder that is neither a build nor empty, and
    remove the work folders of builds into it that were killed and hold none of the `inputs`.
    `out` is its name as given."""
    out = target if out is None else out
    inputs = [Path(path).resolve() for path in inputs]
    if not os.path.lexists(target):
        _put_back(target, inputs)
    if target.is_dir():
        if any(target.iterdir()) and not is_build(target):
            raise KGError(f"--out {out}: is not a kg build (no manifest.json of one) and not empty; "
                          "give a new or empty folder, or one `kg build` wrote")
    elif os.path.lexists(target):
        raise KGError(f"--out {out}: is a file, not a folder")
    for _, _, folder in _leftovers(target, inputs):
        _remove(folder)


@contextlib.contextmanager
def only_build_into(target: Path, out: Path) -> Iterator[None]:
    """Lock the folder that holds `target` while the block runs, or raise KGError when another
    build holds it: two builds into one folder at once would each start from the old papers,
    and the one put in place last would drop the other's papers. The lock (flock on the parent
    folder) creates no file and ends with the process that holds it; two builds into sibling
    folders are refused too, which is the price of leaving nothing behind."""
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(parent, os.O_RDONLY)
    except OSError as error:
        raise KGError(f"--out {out}: cannot open {parent}: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KGError(f"--out {out}: another kg build is writing in {parent}; try again when it ends") from None
        yield
    finally:
        os.close(descriptor)  # which releases the lock


def work_folder(target: Path) -> Path:
    """The folder beside `target` this process builds in."""
    return target.parent / f".{target.name}.building-{os.getpid()}"


def install(work: Path, target: Path) -> None:
    """Put the finished build `work` in place of `target`, then remove the old build."""
    if not os.path.lexists(target):
        os.rename(work, target)
    elif _exchange(work, target):
        _remove(work)  # which now holds the old build
    else:
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.rename(target, old)
        try:
            os.rename(work, target)
        except OSError:
            os.rename(old, target)
            raise
        _remove(old)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _leftovers(target: Path, inputs: list[Path]) -> list[tuple[str, int, Path]]:
    """(kind, pid, folder) of each `.NAME.building-PID` and `.NAME.old-PID` folder beside
    `target` whose process is gone (or is this one), that holds only what a build writes and
    none of the `inputs` (resolved)."""
    if os.name != "posix" or not target.parent.is_dir():
        return []
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(building|old)-([1-9][0-9]{{0,9}})")
    found = []
    for folder in target.parent.iterdir():
        if (match := pattern.fullmatch(folder.name)) and not folder.is_symlink() and folder.is_dir():
            pid = int(match[2])
            if ((pid == os.getpid() or not _running(pid)) and _looks_like_work(folder)
                    and not any(path == folder or folder in path.parents for path in inputs)):
                found.append((match[1], pid, folder))
    return found


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no pid at all
        return True
    return True


def _looks_like_work(folder: Path) -> bool:
    try:
        return is_build(folder) or all(
            entry.name in WORK_ENTRIES or entry.name.startswith(WORK_PREFIXES) for entry in folder.iterdir())
    except OSError:  # not ours to judge, so not ours to remove
        return False


def _put_back(target: Path, inputs: list[Path]) -> None:
    """Rename the newest old build of a killed swap back to `target`."""
    olds = [folder for kind, _, folder in _leftovers(target, inputs) if kind == "old" and is_build(folder)]
    if olds:
        os.rename(max(olds, key=lambda folder: folder.stat().st_ctime_ns), target)


def _remove(folder: Path) -> None:
    # the manifest goes first, so that a removal cut short never leaves what looks like a build
    with contextlib.suppress(OSError):
        (folder / MANIFEST).unlink()
    shutil.rmtree(folder, ignore_errors=True)
