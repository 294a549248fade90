"""Publishing a multi-file output: lock, atomic folder and ``manifest.json``, in one step.

:func:`publish` is how every output folder (plan, schedule, simulation, roster week,
surge re-plan) is written: under the output's lock, built in a temp folder beside it,
with its manifest, and renamed into place only when complete.

A manifest records the staffplan version, the command line, a SHA-256 of every input
file and of the config, and the planning time zone, so a roster can be traced to its
inputs. It holds no wall-clock time, so the same inputs give a byte-identical manifest.

A lock file next to the output (``<output>.lock``, holding the writer's pid) stops two
cron runs writing the same output at once. A lock left by a process that no longer
exists is taken over, with a warning.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from staffplan import __version__
from staffplan.config import Config
from staffplan.errors import StaffplanError
from staffplan.tables import atomic_folder

OutputFiles = Mapping[str, str | bytes]  # file name in the folder -> text or bytes
Warn = Callable[[str], None]


def publish(
    output: Path,
    files: OutputFiles,
    *,
    manifest_text: str,
    warn: Warn = print,
    locked: bool = False,
) -> list[str]:
    """Write ``files`` and ``manifest.json`` as the folder ``output``, all or nothing.

    Takes ``<output>.lock`` for the write, unless ``locked``: the caller holds it already
    (a job that locks its output before the long run). Returns the folder's file names.
    """
    lock = contextlib.nullcontext() if locked else output_lock(output, warn=warn)
    with lock, atomic_folder(output) as staging:
        for name, data in {**files, "manifest.json": manifest_text}.items():
            if isinstance(data, bytes):
                (staging / name).write_bytes(data)
            else:
                (staging / name).write_text(data, encoding="utf-8")
    return sorted([*files, "manifest.json"])


class OutputLockedError(StaffplanError):
    """Another live staffplan process is writing the same output."""


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(
    command: str,
    arguments: list[str],
    inputs: Mapping[str, Path | None],
    timezone: str,
) -> str:
    """The ``manifest.json`` text for an output folder.

    ``inputs`` maps a role ("config", "history", "market", ...) to a file (None: unused).
    Paths are recorded as given, hashes make them verifiable.
    """
    files = {
        role: {"path": str(path), "sha256": file_sha256(path)}
        for role, path in sorted(inputs.items())
        if path is not None and Path(path).is_file()
    }
    payload = {
        "staffplan_version": __version__,
        "command": command,
        "arguments": arguments,
        "timezone": timezone,
        "inputs": files,
    }
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def config_inputs(config: Config) -> dict[str, Path | None]:
    """The files a config names, by role (``config``, ``market``, ``history:<queue>``)."""
    files: dict[str, Path | None] = {"config": config.source, "market": config.market.prices}
    for queue in config.queues:
        files[f"history:{queue.name}"] = queue.history
    return files


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


@contextlib.contextmanager
def output_lock(output: Path, warn: Callable[[str], None] = print) -> Iterator[Path]:
    """Hold ``<output>.lock`` while writing ``output``; refuse if a live process holds it."""
    lock = output.with_name(output.name + ".lock")
    if not lock.parent.is_dir():
        raise StaffplanError(f"{output}: the folder {lock.parent} does not exist; create it first")
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _read_pid(lock)
            if holder is not None and _pid_alive(holder):
                raise OutputLockedError(
                    f"{output}: another staffplan run (pid {holder}) is writing it; wait for "
                    f"it to finish, or remove {lock} if that process is not staffplan"
                ) from None
            warn(f"warning: taking over stale lock {lock} (pid {holder} is not running)")
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
            continue
        except OSError as exc:
            raise StaffplanError(
                f"{output}: cannot create the lock {lock} ({exc.strerror}); check that the "
                "output folder exists and is writable"
            ) from None
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()}\n")
        break
    else:
        raise OutputLockedError(f"{output}: could not take the lock {lock}; try again")
    try:
        yield lock
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


def _read_pid(lock: Path) -> int | None:
    try:
        return int(lock.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
