"""Writing outputs: CSV/JSON text and atomic files and folders.

Writers never leave half a file and never replace what they should not: a file is written
to a temp file in the same folder, synced to disk and renamed over the target, which must
be a regular file (never a device, pipe, socket, folder or symbolic link); a multi-file
output is built in a staging folder and swapped into place (see :func:`atomic_folder`).
A full disk, denied permission, read-only file system or I/O error is a
:class:`~staffplan.errors.FileSystemError` naming the output.
CSV text cells a spreadsheet would run as a formula get a leading ``'``
(:func:`staffplan.config.names.defuse_formula`); numbers are never touched.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import math
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffplan.config.names import defuse_formula
from staffplan.errors import FileSystemError, InputError, file_errors_named
from staffplan.tables.parse import iso_times

FLOAT_FORMAT = "%.6g"  # numbers in CSV outputs: 6 significant digits


def to_csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text: timestamps ISO 8601 with offset, floats to 6 significant
    digits, text cells defused against formula injection."""
    out = defuse_text_cells(frame)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = iso_times(out[column])
    return out.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def defuse_text_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (strings in text columns; never numbers) a
    spreadsheet would read as a formula start with ``'``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda value: defuse_formula(value) if isinstance(value, str) else value
            )
    return out


def as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every float as :func:`to_csv_text` writes it (6 significant digits).

    A job hands each stage its predecessor's table as written, so running the stages one
    by one on the files gives exactly what the job computed in memory.
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = [float(FLOAT_FORMAT % value) for value in out[column].to_numpy()]
    return out


def to_json_text(payload: Any) -> str:
    """JSON text; a DataFrame becomes a list of records; a missing number (NaN) becomes
    null and infinity the string ``"inf"`` (``"-inf"``), as CSV and the screen write it."""
    if isinstance(payload, pd.DataFrame):
        payload = records(payload)
    return json.dumps(_finite(payload), indent=2, ensure_ascii=False) + "\n"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready records (ISO timestamps, plain Python numbers)."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = iso_times(out[column])
    return [{k: _plain(v) for k, v in row.items()} for row in out.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _finite(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return _plain(value)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to the file ``path``, all or nothing.

    The bytes go to a temp file in the same folder, are synced to disk and renamed over
    ``path``; then the folder is synced. An existing file keeps its permission bits, a new
    one gets ``0666`` less the umask. Only a regular file is replaced: a folder, device,
    pipe, socket or symbolic link at ``path`` is an :class:`InputError` (a link is refused,
    not followed, so nothing is written anywhere ``path`` does not name).
    """
    atomic_write_files({Path(path): data})


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_files(files: Mapping[str | Path, bytes]) -> None:
    """Write several files as :func:`atomic_write_bytes` does, as one output (see
    :func:`atomic_files`)."""
    with atomic_files(files):
        pass


@contextlib.contextmanager
def atomic_files(files: Mapping[str | Path, bytes]) -> Iterator[None]:
    """Write several files as one output when the block ends without an error.

    Before the block runs, every file is written and synced to a temp file beside its
    target (checked as :func:`atomic_write_bytes` does); after it, all are renamed into
    place. A full disk, a refused target or an error in the block leaves every file as it
    was. ``with atomic_files(charts), atomic_folder(folder)`` publishes a folder and the
    files beside it together: nothing is replaced unless all of them are ready.
    """
    files = {Path(path): data for path, data in files.items()}
    for path in files:
        _check_writable(path.parent, path)
    staged: dict[Path, str] = {}
    try:
        for path, data in files.items():
            with file_errors_named(path):
                staged[path] = _staged_copy(path, data)
        yield
        for path, temp in list(staged.items()):
            with file_errors_named(path):
                os.replace(temp, path)
            del staged[path]
        for folder in {path.parent for path in files}:
            with file_errors_named(folder):
                _sync_folder(folder)
    finally:
        for temp in staged.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def check_file_target(path: str | Path, option: str = "output") -> None:
    """Check that a file output can be written at ``path`` (run before slow work): it is
    missing or a regular file (not a folder, device, pipe, socket or symbolic link) and
    its folder exists and is writable. Messages name the option ``--<option>``."""
    path = Path(path)
    with file_errors_named(path):
        _file_mode(path, option)
    _check_writable(path.parent, path, option)


def _staged_copy(path: Path, data: bytes) -> str:
    """A synced temp file beside ``path`` holding ``data``, with the mode ``path`` gets."""
    mode = _file_mode(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _file_mode(path: Path, option: str = "output") -> int:
    """The permission bits the new ``path`` gets: those of the regular file it replaces,
    or ``0666`` less the umask; :class:`InputError` if ``path`` is not a regular file."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # a missing folder is checked apart
        return 0o666 & ~_umask()
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: {_not_a('regular file', path, info.st_mode, option)}")
    return stat.S_IMODE(info.st_mode)


def _not_a(wanted: str, path: Path, mode: int, option: str = "output") -> str:
    """Why ``path`` (of ``mode``) is not the ``wanted`` output of ``--<option>`` and
    what to do."""
    if stat.S_ISLNK(mode):
        target = os.readlink(path)
        return f"is a symbolic link to {target}, not a {wanted}: name {target} itself as --{option}"
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISREG: "a file",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISFIFO: "a named pipe",
        stat.S_ISSOCK: "a socket",
    }
    kind = next((text for test, text in kinds.items() if test(mode)), "a special file")
    return f"is {kind}, not a {wanted}: choose another --{option}"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    """Sync ``folder``'s entries (a rename in it) to disk, where the file system can."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _check_writable(folder: Path, target: Path, option: str = "output") -> None:
    """:class:`InputError` if ``folder`` (where ``target`` goes) is missing or no folder,
    :class:`FileSystemError` if it is not writable; the advice names ``--<option>``."""
    if not folder.is_dir():
        problem = "is not a folder;" if folder.exists() else "does not exist; create it first, or"
        raise InputError(f"{target}: the folder {folder} {problem} choose another --{option}")
    if not os.access(folder, os.W_OK | os.X_OK):
        read_only = os.statvfs(folder).f_flag & os.ST_RDONLY
        raise FileSystemError(
            f"{target}: the folder {folder} is on a read-only file system; "
            f"choose another --{option}"
            if read_only
            else f"{target}: the folder {folder} is not writable; check who owns it, "
            f"or choose another --{option}"
        )


def check_folder_target(path: str | Path) -> Path:
    """Check that a folder output can be written at ``path`` (run before slow work):
    its folder exists and is writable, and ``path`` is missing or a real folder (not a
    file or a symbolic link). Returns the folder it goes in."""
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise InputError(f"{path}: name the output folder itself, e.g. {path / 'plan'}")
    _check_writable(path.parent, path)
    with file_errors_named(path):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return path.parent
    if not stat.S_ISDIR(mode):
        raise InputError(f"{path}: {_not_a('folder', path, mode)}")
    return path.parent


# A folder output's side folders: ``.<name>.<8 hex>.staging`` is a version being built,
# ``.<name>.<8 hex>.previous`` the version a swap has set aside.
STAGING, PREVIOUS = "staging", "previous"


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Build a multi-file output in a staging folder; it replaces ``path`` only on success.

    Yields the staging folder to write into. When the block ends, the folder and the
    files in it take the permission bits of those they replace, are synced to disk, and
    the folder is swapped into place: in one atomic exchange where the system can (Linux
    ``renameat2(RENAME_EXCHANGE)``), else by two renames (``path`` set aside as
    ``.<name>.<hex>.previous``, then the new version renamed in). If the block raises, the
    staging folder is removed and ``path`` is left as it was. A run killed between the two
    renames leaves ``path`` missing: :func:`recover_folder` puts the previous version
    back. Call it under the output's lock (:func:`staffplan.jobs.publish.publish` does).
    """
    path = Path(path)
    check_folder_target(path)
    with file_errors_named(path):
        staging = _side_folder(path, STAGING)
        staging.mkdir(mode=0o777)
    try:
        with file_errors_named(path):
            yield staging
            _finish_staging(staging, path)
            _swap_in(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _side_folder(path: Path, kind: str) -> Path:
    return path.parent / f".{path.name}.{secrets.token_hex(4)}.{kind}"


def _side_folders(path: Path, kind: str) -> list[Path]:
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[0-9a-f]{{8}}\.{kind}")
    return [
        Path(entry.path)
        for entry in os.scandir(path.parent)
        if pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
    ]


def _finish_staging(staging: Path, path: Path) -> None:
    """Give the staged folder and files the permission bits of those they replace (new
    ones keep the umask's), then sync every file and the folder to disk."""
    kept: dict[str, int] = {}
    if os.path.isdir(path):
        os.chmod(staging, stat.S_IMODE(os.lstat(path).st_mode))
        kept = {
            entry.name: stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode)
            for entry in os.scandir(path)
            if entry.is_file(follow_symlinks=False)
        }
    for entry in os.scandir(staging):
        if entry.is_file(follow_symlinks=False):
            if entry.name in kept:
                os.chmod(entry.path, kept[entry.name])
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _sync_folder(staging)


def _swap_in(staging: Path, path: Path) -> None:
    """Put the complete ``staging`` folder in the place of ``path``."""
    if not os.path.lexists(path):
        os.rename(staging, path)
        _sync_folder(path.parent)
        return
    if _exchange(staging, path):
        previous = staging  # the exchange left the previous version there
    else:
        previous = _side_folder(path, PREVIOUS)
        os.rename(path, previous)
        try:
            os.rename(staging, path)
        except BaseException:
            os.rename(previous, path)
            raise
    _sync_folder(path.parent)
    shutil.rmtree(previous, ignore_errors=True)


def _exchange(staging: Path, path: Path) -> bool:
    """Swap the folders ``staging`` and ``path`` in one atomic step; False (nothing done)
    where the system or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE from <fcntl.h>, <stdio.h>
    if renameat2(at_cwd, os.fsencode(staging), at_cwd, os.fsencode(path), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(path))


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """glibc's ``renameat2`` (Linux), or None."""
    if not sys.platform.startswith("linux"):
        return None
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p] * 2 + [ctypes.c_uint]
        function.restype = ctypes.c_int
    return function


def recover_folder(path: str | Path) -> list[str]:
    """Tidy up after runs killed while writing the folder ``path``; call it only under
    the output's lock (no live run then owns a side folder).

    If ``path`` is missing and a swap set a previous version aside, that version is put
    back; staging folders and set-aside versions are removed. Returns one sentence per
    thing done, for a warning.
    """
    path = Path(path)
    if not path.parent.is_dir():
        return []
    notes = []
    previous = _side_folders(path, PREVIOUS)
    if previous and not os.path.lexists(path):
        last = max(previous, key=lambda folder: folder.lstat().st_ctime)  # set aside last
        os.rename(last, path)
        previous.remove(last)
        notes.append(f"restored {path} from {last.name} (a run was stopped while replacing it)")
    for folder in [*_side_folders(path, STAGING), *previous]:
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            notes.append(f"removed {folder.name}, left next to {path} by a stopped run")
    return notes
