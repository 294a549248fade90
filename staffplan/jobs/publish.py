"""Publishing a multi-file output: lock, atomic folder and ``manifest.json``, in one step.

:func:`publish` is how every output folder (plan, schedule, simulation, roster week,
surge re-plan) is written: under the output's lock, built in a temp folder beside it,
with its manifest, and renamed into place only when complete.

A manifest records the staffplan version, the command line, a SHA-256 of every input
file and of the config, and the planning time zone, so a roster can be traced to its
inputs. It holds no wall-clock time, so the same inputs give a byte-identical manifest.

The lock ``<output>.lock`` stops two runs writing the same output at once. It is an
``flock`` on that file, which the kernel releases however its holder ends, so a run never
mistakes a live holder for a dead one (even one that has not written its pid yet), and
of two runs taking over a lock left by a killed run exactly one wins. The file holds the
holder's pid, for people and messages. Whoever takes the lock first tidies up what killed
runs left (:func:`staffplan.tables.write.recover_folder`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from staffplan import __version__
from staffplan.config import Config
from staffplan.errors import InputError, StaffplanError, file_errors_named
from staffplan.tables import atomic_files, atomic_folder, check_folder_target, recover_folder

if TYPE_CHECKING:
    import pandas as pd

OutputFiles = Mapping[str, str | bytes]  # file name in the folder -> text or bytes
Warn = Callable[[str], None]


def publish(
    output: Path,
    files: OutputFiles,
    *,
    manifest_text: str,
    warn: Warn = print,
    locked: bool = False,
    wait_lock: float = 0.0,
    beside: Mapping[Path, bytes] | None = None,
) -> list[str]:
    """Write ``files`` and ``manifest.json`` as the folder ``output``, and the files
    ``beside`` it (a chart elsewhere: path -> bytes), all or nothing: none is replaced
    unless every one is ready.

    Takes ``<output>.lock`` for the write (waiting up to ``wait_lock`` seconds for
    another run), unless ``locked``: the caller holds it already (a job that locks its
    output before the long run). Returns the folder's file names.
    """
    lock = contextlib.nullcontext() if locked else output_lock(output, warn, wait_lock)
    with lock:
        check_output_folder(output)
        with atomic_files(beside or {}), atomic_folder(output) as staging:
            for name, data in {**files, "manifest.json": manifest_text}.items():
                if isinstance(data, bytes):
                    (staging / name).write_bytes(data)
                else:
                    (staging / name).write_text(data, encoding="utf-8")
    return sorted([*files, "manifest.json"])


def check_output_folder(output: Path) -> None:
    """Check, before any work, that ``output`` can be published: its folder exists, and
    it is missing, empty or an earlier output (it has a ``manifest.json``), so a mistyped
    ``--output`` never replaces a folder of other files."""
    check_folder_target(output)
    with file_errors_named(output):
        if not output.is_dir() or (output / "manifest.json").is_file():
            return
        if any(output.iterdir()):
            raise InputError(
                f"{output}: holds other files and no manifest.json, so it is not a "
                "staffplan output and would be replaced; choose a new folder as --output"
            )


class OutputLockedError(StaffplanError):
    """Another live staffplan process is writing the same output (exit code 4)."""

    exit_code = 4


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_sha256(path: Path) -> str:
    """Hex SHA-256 of an input: a file's bytes, or for a folder (a history folder or
    Parquet dataset) each file's path inside it and SHA-256, in path order."""
    if not path.is_dir():
        return file_sha256(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{file.relative_to(path).as_posix()}\0{file_sha256(file)}\n".encode())
    return digest.hexdigest()


def manifest(
    command: str,
    arguments: list[str],
    inputs: Mapping[str, Path | None],
    timezone: str,
    *,
    solver: Mapping[str, object] | None = None,
    history: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    extra: Mapping[str, object] | None = None,
) -> str:
    """The ``manifest.json`` text for an output folder.

    ``inputs`` maps a role ("config", "history", "market", ...) to a file (None: unused).
    Paths are recorded as given, hashes make them verifiable. ``solver`` (from
    :meth:`Schedule.solver_record`) says how the shift solver stopped, when one ran: a
    solve cut short by its time limit may differ on a re-run, and the manifest says so.
    ``history`` is the first and last interval of the history the output was planned
    from, so a stale input shows. ``extra`` adds a command's own JSON-ready sections
    (e.g. ``roster``: the shifts a re-run changed).
    """
    files = {
        role: {"path": str(path), "sha256": input_sha256(Path(path))}
        for role, path in sorted(inputs.items())
        if path is not None and (Path(path).is_file() or Path(path).is_dir())
    }
    payload = {
        "staffplan_version": __version__,
        "command": command,
        "arguments": arguments,
        "timezone": timezone,
        "inputs": files,
    }
    if solver is not None:
        payload["solver"] = dict(solver)
    if history is not None:
        payload["history"] = {"first": history[0].isoformat(), "last": history[1].isoformat()}
    payload.update(extra or {})
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def config_inputs(config: Config) -> dict[str, Path | None]:
    """The files a config names, by role (``config``, ``market``, ``calendar``,
    ``history:<queue>``)."""
    files: dict[str, Path | None] = {"config": config.source, "market": config.market.prices}
    files["calendar"] = config.forecast.calendar if config.forecast else None
    for queue in config.queues:
        files[f"history:{queue.name}"] = queue.history
    return files


LOCK_POLL_S = 0.2  # how often a waiting run tries the lock again


@contextlib.contextmanager
def output_lock(output: Path, warn: Warn = print, wait_lock: float = 0.0) -> Iterator[Path]:
    """Hold ``<output>.lock`` while writing ``output``, waiting up to ``wait_lock``
    seconds for another run that holds it (then :class:`OutputLockedError`, exit 4).

    On taking the lock, what killed runs left beside ``output`` is tidied up (a warning
    says what). The lock file is removed when the block ends.
    """
    check_wait_lock(wait_lock)
    lock = output.with_name(output.name + ".lock")
    if not lock.parent.is_dir():
        raise InputError(f"{output}: the folder {lock.parent} does not exist; create it first")
    deadline = time.monotonic() + wait_lock
    with file_errors_named(lock):
        while (fd := _take_lock(lock, output)) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise OutputLockedError(_held_message(output, lock, wait_lock))
            time.sleep(min(LOCK_POLL_S, left))
    try:
        with file_errors_named(lock):
            _claim(fd, lock, warn)
        with file_errors_named(output):
            notes = recover_folder(output)
        for note in notes:
            warn(f"warning: {note}")
        yield lock
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()  # before the lock is released: a waiting run then sees a new file
        os.close(fd)


def check_wait_lock(wait_lock: float) -> None:
    """:class:`InputError` unless ``wait_lock`` is 0 or more seconds (run before work)."""
    if not wait_lock >= 0:  # also refuses NaN
        raise InputError(f"must be 0 or more seconds, got {wait_lock}", parameter="wait_lock")


def _take_lock(lock: Path, output: Path) -> int | None:
    """An open descriptor holding the flock on the file ``lock``, or None if another
    process holds it."""
    while True:
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.lstat(lock).st_mode):
                raise InputError(
                    f"{lock}: is not a regular file; staffplan keeps the lock of {output} "
                    "there: remove or rename it"
                )
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.ENOLCK, errno.ENOTSUP):
                raise InputError(
                    f"{lock}: this file system cannot lock files ({exc.strerror}); "
                    "choose an --output on a local disk"
                ) from None
            raise
        try:
            current = os.stat(lock)
        except FileNotFoundError:
            current = None
        mine = os.fstat(fd)
        if current is not None and (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
            return fd
        os.close(fd)  # the holder removed the file as we opened it: take the new one


def _claim(fd: int, lock: Path, warn: Warn) -> None:
    """Write this process's pid into the lock; warn if a killed run left its own there."""
    left_by = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    if left_by:
        warn(f"warning: taking over stale lock {lock} (pid {left_by} stopped without removing it)")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)


def _held_message(output: Path, lock: Path, waited: float) -> str:
    try:
        holder = lock.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        holder = ""
    who = f"another staffplan run (pid {holder})" if holder.isdigit() else "another staffplan run"
    after = f" (waited {waited:g} s)" if waited else ""
    return (
        f"{output}: {who} is writing it{after}; wait for it to finish, or give "
        "--wait-lock SECONDS to wait for it"
    )
