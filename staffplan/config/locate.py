"""Which config a command uses when ``--config`` is not given, and where the demo lives.

The search order: ``--config PATH``; the ``STAFFPLAN_CONFIG`` environment variable;
``./staffplan.yaml`` in the working folder; then the bundled demo (``configs/example.yaml``
with its ``sample_data/``, shipped inside the package), so ``staffplan plan`` runs from
any folder. Every run says which one it used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENVIRONMENT_VARIABLE = "STAFFPLAN_CONFIG"
PROJECT_FILE = "staffplan.yaml"


def demo_folder() -> Path:
    """The folder holding the demo's ``configs/`` and ``sample_data/``: inside the installed
    package (``staffplan/demo``), or the repository root in a source checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "demo"
    return installed if (installed / "configs").is_dir() else package.parent


def demo_config() -> Path:
    """The bundled demo config, ``configs/example.yaml``."""
    return demo_folder() / "configs" / "example.yaml"


def locate_config(
    given: Path | None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Path, str]:
    """The config to use and why (``"--config"``, ``"STAFFPLAN_CONFIG"``, ``"./staffplan.yaml"``
    or ``"the bundled demo"``), in the search order of this module."""
    if given is not None:
        return given, "--config"
    environ = os.environ if environ is None else environ
    if environ.get(ENVIRONMENT_VARIABLE):
        return Path(environ[ENVIRONMENT_VARIABLE]), ENVIRONMENT_VARIABLE
    project = (cwd or Path.cwd()) / PROJECT_FILE
    if project.is_file():
        return project, f"./{PROJECT_FILE}"
    return demo_config(), "the bundled demo"
