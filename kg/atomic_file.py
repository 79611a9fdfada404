"""Writing output files so that a failed run never leaves a half-written one, and a special
file named as the output is never replaced by a regular one."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kg.records import KGError

STANDARD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}


class OutputError(KGError):
    """An output path that cannot be written: a directory, a socket, a block device, or a
    place where no file can be made."""


@contextlib.contextmanager
def write_atomically(path: str | Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """Open a file for writing (text, or bytes with `binary`) that appears at `path` only once
    the block succeeds.

    The output goes to a temporary file beside `path`, which replaces it on success (keeping
    the permissions of the file it replaces) and is removed on failure. Otherwise:

    - `-`, /dev/stdout, /dev/stderr and /dev/fd/N write to that descriptor of this process;
    - a symbolic link is followed: the file it points at is replaced, the link stays a link;
    - a character device or a named pipe (/dev/null, a FIFO) is written in place;
    - a directory, a socket or a block device is refused with OutputError.
    """
    if not str(path):
        raise OutputError("an output file name is empty")
    if (number := _descriptor_number(path)) is not None:
        with _descriptor(number, binary) as handle:
            yield handle
        return
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:  # a loop of links, a folder on the way that cannot be searched
        raise _cannot_write(path, error) from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        try:
            handle = open(path, *_mode(binary))
        except OSError as error:
            raise _cannot_write(path, error) from None
        with handle:
            yield handle
        return
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "a socket" if stat.S_ISSOCK(mode) else "a block device"
        raise OutputError(f"{path}: is {kind}, not a file; give a file name")
    target = Path(os.path.realpath(path))
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes it private; give it the usual mode
        os.chmod(temporary, stat.S_IMODE(mode))
        with os.fdopen(descriptor, *_mode(binary)) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _mode(binary: bool) -> tuple:
    """The mode, buffering, encoding and newline arguments of `open` for an output."""
    return ("wb",) if binary else ("w", -1, "utf-8", None, "\n")


def _descriptor_number(path: str | Path) -> int | None:
    """The descriptor `path` names (`-`, /dev/stdout, /dev/fd/3, /proc/self/fd/3), if any."""
    if str(path) == "-":
        return 1
    name = os.path.abspath(path)
    if match := re.fullmatch(r"/(?:dev|proc/self)/fd/([0-9]+)", name):
        return int(match[1])
    return STANDARD_STREAMS.get(name)


@contextlib.contextmanager
def _descriptor(number: int, binary: bool) -> Iterator[IO[Any]]:
    """A descriptor this process has open, written in place and left open: writing to the
    stream itself keeps its position and append mode, which reopening the path would not."""
    if number in (1, 2):
        stream = sys.stdout if number == 1 else sys.stderr
        if binary:
            stream.flush()  # text written before goes first
            stream = stream.buffer
        yield stream
        stream.flush()
        return
    try:
        handle = os.fdopen(os.dup(number), *_mode(binary))
    except OSError as error:
        raise _cannot_write(f"/dev/fd/{number}", error) from None
    with handle:
        yield handle


def _cannot_write(path: str | Path, error: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write: {error.strerror}")
