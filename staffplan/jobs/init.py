"""``staffplan init``: a starter project to edit, written into a folder.

The project is the bundled demo made local: ``staffplan.yaml`` (the demo config, every
key documented, its data paths pointing at the copied sample), ``sample_data/`` (the
demo's history and market prices) and a ``README.md`` of next steps. Being
``./staffplan.yaml``, the config is the one every command in that folder uses. Unlike
the demo it sets ``team.max_history_age_days``, so a cron roster from a history that
stopped being exported fails (exit 6) instead of repeating an old week.
"""

from __future__ import annotations

from pathlib import Path

from staffplan.config.locate import PROJECT_FILE, demo_config, demo_folder
from staffplan.errors import InputError, file_errors_named
from staffplan.tables import atomic_write_files

SAMPLE_FILES = ("history.csv", "btc_usd_hourly.csv")
DEMO_DATA_PATH = "../sample_data/"  # how the demo config names its data
STALE_CHECK_OFF = "  # max_history_age_days: 14      #"
STALE_CHECK_ON = "  max_history_age_days: 14        #"

NEXT_STEPS = """\
# Your staffplan project

Written by `staffplan init`. Every command run in this folder uses `./staffplan.yaml`
(unless given `--config` or `$STAFFPLAN_CONFIG`).

1. `staffplan validate`: checks `staffplan.yaml` and every file it names, in a second.
2. `staffplan plan`: plans the week after the sample history into `plan/`; open
   `plan/report.html`.
3. Make it yours: replace `sample_data/history.csv` with your export (counts
   `queue, interval_start, volume`, or one row per contact `created_at, queue`), set the
   `queues:` (names, handle times, targets), `shifts:` and `team:` in `staffplan.yaml`
   (each key is explained beside it), and remove `market:` if your volume does not follow
   a market. Run `staffplan validate` again.
4. Run it from cron, e.g. every Thursday at 06:00 for next week's roster (one line):

       0 6 * * 4  cd /path/to/project && staffplan roster --week next --wait-lock 600

   Exit codes a monitor can tell apart: 0 published; 2 bad input or config; 3 no
   feasible plan; 4 another run holds the output (after waiting `--wait-lock` seconds);
   5 the file system refused; 6 stale input: the history ends more than
   `team.max_history_age_days` before the week (your export stopped; nothing published);
   7 published but short: more than `shifts.max_uncovered_agent_hours` uncovered (set it
   to be told). The sample history ends in 2020, so until step 3 `roster` exits 6.
"""


def starter_files() -> dict[str, bytes]:
    """Path in the project → content: the config, the sample data and the README."""
    config = demo_config().read_text(encoding="utf-8")
    config = config.replace(DEMO_DATA_PATH, "sample_data/").replace(STALE_CHECK_OFF, STALE_CHECK_ON)
    sample = demo_folder() / "sample_data"
    files = {PROJECT_FILE: config.encode("utf-8"), "README.md": NEXT_STEPS.encode("utf-8")}
    for name in SAMPLE_FILES:
        files[f"sample_data/{name}"] = (sample / name).read_bytes()
    return files


def init_project(folder: Path, *, force: bool = False) -> list[Path]:
    """Write the starter project into ``folder`` (created if missing) and return the
    files written. A file it would replace is an :class:`InputError` naming every such
    file, unless ``force``; nothing is written then."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file; give a folder for the project")
    files = {folder / name: data for name, data in starter_files().items()}
    existing = [path for path in files if path.exists() or path.is_symlink()]
    if existing and not force:
        names = ", ".join(str(path) for path in existing)
        verb, them = ("exists", "it") if len(existing) == 1 else ("exist", "them")
        raise InputError(
            f"{names} already {verb}; move {them} away, choose another folder, or give "
            f"--force to overwrite {them}"
        )
    with file_errors_named(folder):
        for path in files:
            path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_files(files)
    return list(files)
