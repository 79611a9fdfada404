"""Where the analysis of chunks of papers runs: in this process, in local worker processes
(`--jobs N`), or on a Dask cluster (`--executor dask --scheduler ADDRESS`).

Every executor gives the results back in the order of the chunks, whatever order they finish
in, so that a build is the same wherever it ran; and each keeps only a few chunks in flight, so
that memory does not grow with the input.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from kg import config
from kg.records import KGError

T = TypeVar("T")
R = TypeVar("R")
EXECUTORS = ("local", "dask")
# a local worker process is replaced after this many chunks, which bounds the memory its
# spaCy vocabulary and caches grow to over a long build
CHUNKS_PER_WORKER = 100


def run_in_order(
    function: Callable[[T], R], chunks: Iterable[T], *, jobs: int = 1, executor: str = "local",
    scheduler: str | None = None,
) -> Iterator[R]:
    """`function` of each chunk, in chunk order. `function` must be a module-level function
    (it is pickled to the workers) and the chunks picklable."""
    if executor == "dask":
        yield from _on_dask(function, chunks, scheduler)
    elif executor != "local":
        raise KGError(f"unknown executor {executor!r}; use one of {', '.join(EXECUTORS)}")
    elif jobs <= 1:
        yield from map(function, chunks)
    else:
        yield from _on_processes(function, chunks, jobs)


def _in_order(submit: Callable[[T], Any], result: Callable[[Any], R], chunks: Iterable[T], window: int) -> Iterator[R]:
    """Submit chunks while fewer than `window` are pending; yield results oldest first."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def _on_processes(function: Callable[[T], R], chunks: Iterable[T], jobs: int) -> Iterator[R]:
    # Workers are forked from a server process started now, small, rather than from this
    # process: a worker replaced late in a long build would otherwise start as a copy of all
    # the entities merged here so far, and its garbage collector would touch (and so really
    # copy) every page of them.
    # Nothing is preloaded in the server: importing the build's modules there starts threads
    # (pyarrow's allocator has a background thread), and a process forked from a threaded one
    # can inherit a lock held by a thread that is not copied, and hang. Each worker imports
    # what it needs when it unpickles its first task.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([])
    with context.Pool(jobs, maxtasksperchild=CHUNKS_PER_WORKER) as pool:
        yield from _in_order(lambda chunk: pool.apply_async(function, (chunk,)), lambda job: job.get(), chunks, 2 * jobs)


def _on_dask(function: Callable[[T], R], chunks: Iterable[T], scheduler: str | None) -> Iterator[R]:
    if not scheduler:
        raise KGError("--executor dask needs --scheduler ADDRESS (for example tcp://127.0.0.1:8786)")
    try:
        from dask.distributed import Client
    except ImportError:
        raise KGError("the Dask executor needs dask.distributed: pip install 'kg[dask]'") from None
    try:
        client = Client(scheduler, timeout=f"{config.DASK_CONNECT_SECONDS}s")
    except OSError as error:
        raise KGError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        threads = max(1, sum(client.nthreads().values()))
        yield from _in_order(lambda chunk: client.submit(function, chunk, pure=False), lambda future: future.result(),
                             chunks, 2 * threads)
