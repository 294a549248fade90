"""The typer app, ``--version``, and the ``command`` decorator that maps errors to exit codes.

A :class:`StaffplanError` becomes one plain line on stderr (a library parameter shown as
its flag) and its exit code (2 bad input, 3 no feasible plan, 4 output locked by another
run, 5 the file system refused: disk full, permission denied, read-only, I/O error; an
:class:`OSError` of those kinds from anywhere is treated the same; 6 the history is
staler than the config allows; 7 published, but short of the configured cover; 8 published,
but the shift solver stopped at its wall-clock safety net); Ctrl-C stops with
exit 130; any other exception is an internal error: exit 1, "please report", the
traceback in a log file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
import traceback
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from staffplan import __version__
from staffplan.errors import InputError, StaffplanError, file_system_error

if TYPE_CHECKING:
    pass

from staffplan.cli._options import STDOUT, OutputOption, PlotOption
from staffplan.cli._output import in_folder

app = typer.Typer(
    name="staffplan",
    help="Workforce and peak-load planning for support teams: forecast, staff, schedule.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: nothing cut at 80 columns, flags without <bool>
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)


F = TypeVar("F", bound=Callable[..., Any])


# Options that name one file to write, and the suffixes they can write: a folder or another
# suffix there is refused before any work (``--output -`` is stdout).
SINGLE_FILE_OPTIONS = {OutputOption: (".csv", ".json"), PlotOption: (".png",)}
INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C (128 + SIGINT)


def command(fn: F) -> F:
    """Register ``fn`` as a command that maps errors to exit codes (see module doc)."""
    hints = typing.get_type_hints(fn, include_extras=True)
    files = {
        name: SINGLE_FILE_OPTIONS[hint]
        for name, hint in hints.items()
        if hint in SINGLE_FILE_OPTIONS
    }

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            folder = kwargs.get("output")  # a --plot in it is checked with it
            for name, suffixes in files.items():  # every output, before any work
                check_file_output(kwargs.get(name), name, fn.__name__, suffixes, folder)
            return fn(*args, **kwargs)
        except StaffplanError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            typer.echo("stopped; the previous output is intact", err=True)
            raise typer.Exit(INTERRUPTED) from None
        except (typer.Exit, typer.Abort):
            raise
        except OSError as exc:
            failure = file_system_error(exc)
            if failure is None:
                _internal_error()
            _fail(failure)
        except Exception:
            _internal_error()

    summary = " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())  # shown whole
    app.command(short_help=summary)(run)
    return fn


def check_file_output(
    path: Path | None,
    option: str,
    command: str,
    suffixes: tuple[str, ...],
    folder: Path | None = None,
) -> None:
    """A single-file output (``--output``, ``--plot``) must name a file with one of the
    ``suffixes`` the ``command`` writes (or ``-``, stdout, for ``--output``), not a folder,
    and one that can be written there (:func:`staffplan.tables.check_file_target`), unless
    it goes in the output ``folder``, checked with that folder."""
    if path is None or (path == STDOUT and option == "output"):
        return
    if path.is_dir():
        raise InputError(
            f"{path} is a folder; give a file in it, e.g. {path / command}{suffixes[0]}",
            parameter=option,
        )
    special = path.exists() and not path.is_file()  # a device or pipe: the writer refuses it
    if not special and path.suffix.lower() not in suffixes:
        stdout = " (or - for stdout)" if option == "output" else ""
        raise InputError(
            f"{path}: {command} cannot write {path.suffix or 'a file without a suffix'}; "
            f"give a {' or '.join(suffixes)} file{stdout}",
            parameter=option,
        )
    if not in_folder(path, folder):
        from staffplan.tables import check_file_target

        check_file_target(path, option)


def _fail(exc: StaffplanError) -> NoReturn:
    typer.echo(f"error: {exc.for_command_line()}", err=True)
    raise typer.Exit(exc.exit_code) from None


def _internal_error() -> NoReturn:
    """Exit 1 with one line: "please report", and where the traceback is."""
    log, problem = _write_crash_log()
    where = (
        f"with the log {log} (it holds the traceback)"
        if problem is None
        else f"(the traceback could not be saved in {log}: {problem}; set STAFFPLAN_LOG_DIR "
        "to a writable folder and run again to get it)"
    )
    typer.echo(f"internal error in staffplan {__version__}: please report it {where}", err=True)
    raise typer.Exit(1) from None


def _write_crash_log() -> tuple[Path, str | None]:
    """Write the traceback being handled to a log file; return the file and, if that
    failed, why (a half-written log is removed)."""
    folder = Path(os.environ.get("STAFFPLAN_LOG_DIR", Path.home() / ".cache" / "staffplan"))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log = folder / f"crash-{stamp}-{os.getpid()}.log"
    text = f"staffplan {__version__}\nargv: {sys.argv}\n\n{traceback.format_exc()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        log.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        with contextlib.suppress(OSError):
            log.unlink()
        return folder, exc.strerror or type(exc).__name__
    return log, None


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """staffplan: forecast contacts, size agents with Erlang C/A, build shifts and rosters."""
