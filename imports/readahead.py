"""Reading ahead: a format's ``read`` runs in a second process and hands its cases to the
engine through a bounded queue, so one CPU parses and maps while the other writes
(docs/import.md, "Speed").

Memory stays bounded (at most ``DEPTH`` chunks of ``CHUNK`` items wait in the queue), the
engine sees exactly the items, in order, that ``fmt.read`` yields in-process, and an
exception in the reader (a ``WrongFile``, a bug) is raised in the engine with the reader's
traceback as a note. The reader ignores Ctrl-C: the engine's process gets it, stops the
reader and goes on as it would in-process. A reader whose engine is killed notices within
a second that its parent is gone and exits.

A format never touches the database (``imports.formats.base``), so the forked reader
never uses the connection it inherits."""

import multiprocessing
import os
import pickle  # nosec B403
import queue
import signal
import threading
import time
import traceback
from collections.abc import Generator, Sequence
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from imports.formats.base import Case, Format, ReadOptions, Rejected

CHUNK = 200
"""Items per message: one pickle per case would cost the engine more than it saves."""
DEPTH = 8
POLL = 1.0
"""Seconds between checks that the other side is still alive."""

_DONE = "done"
_ITEMS = "items"
_FAILED = "failed"


def read_ahead(
    fmt: Format, paths: Sequence[Path], options: ReadOptions
) -> Generator[Case | Rejected]:
    """``fmt.read(paths, options)``, read in a forked process; read in-process where
    ``fork`` is not available or not safe."""
    # fork() is only safe in a process with one thread (the management command's).
    if "fork" not in multiprocessing.get_all_start_methods() or not _single_threaded():
        yield from fmt.read(paths, options)
        return
    context = multiprocessing.get_context("fork")
    channel: Queue[tuple[str, Any]] = context.Queue(maxsize=DEPTH)
    reader = context.Process(
        target=_read, args=(fmt, paths, options, channel, os.getpid()), daemon=True
    )
    reader.start()
    try:
        while True:
            kind, payload = _receive(channel, reader)
            if kind == _ITEMS:
                yield from payload
            elif kind == _DONE:
                break
            else:
                raise payload
        reader.join()
    finally:
        if reader.is_alive():  # the engine stopped early: a failed batch, Ctrl-C
            reader.terminate()
            reader.join()
        channel.close()
        channel.join_thread()


def _single_threaded() -> bool:
    """One thread in the whole process: Python's, and on Linux the kernel's count too,
    which also sees threads a C library started (Python 3.12 warns of a fork beside
    those, and a lock one of them holds would deadlock the reader)."""
    if threading.active_count() > 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc (not Linux): Python's own count is all there is
        return True


def _receive(channel: "Queue[tuple[str, Any]]", reader: BaseProcess) -> tuple[str, Any]:
    while True:
        try:
            return channel.get(timeout=POLL)
        except queue.Empty:
            if not reader.is_alive():
                raise RuntimeError(
                    f"the import's reading process ended without a word (exit code "
                    f"{reader.exitcode})"
                ) from None


def _read(
    fmt: Format,
    paths: Sequence[Path],
    options: ReadOptions,
    channel: "Queue[tuple[str, Any]]",
    parent: int,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the engine's to handle
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    chunk: list[Case | Rejected] = []
    try:
        for item in fmt.read(paths, options):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                channel.put((_ITEMS, chunk))
                chunk = []
        if chunk:
            channel.put((_ITEMS, chunk))
        channel.put((_DONE, None))
    except Exception as exc:  # handed to the engine, which raises it
        if chunk:  # what was read before the failure is imported, as it would be in-process
            channel.put((_ITEMS, chunk))
        exc.add_note(f"In the import's reading process:\n{traceback.format_exc()}")
        try:
            # The queue pickles in a thread of its own, where a failure would be lost (our
            # own object, just made: nothing untrusted is unpickled).
            pickle.loads(pickle.dumps(exc))  # noqa: S301  # nosec B301
        except Exception:  # then its text, in an exception that pickles
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        channel.put((_FAILED, exc))


def _watch(parent: int) -> None:
    """A reader whose engine was killed (``SIGKILL``, nothing to stop it) would wait on a
    full queue for ever: it exits once its parent is gone."""
    while os.getppid() == parent:
        time.sleep(POLL)
    os._exit(1)
