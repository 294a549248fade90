"""The house rules of the package layout, read from the import statements of every module:
the config imports no stage, tables import only the config, stages never import a job (or
the API or the CLI), and only the CLI and the API sit above the jobs."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "staffplan"
STAGES = {
    "forecast", "erlang", "staffing", "deflection", "schedule", "roster", "replan",
    "simulate", "finance", "engine_inputs", "milp", "backlog", "escalation", "peaks",
    "priority_staffing", "block_projection", "skill_pools", "demand_checks",
}  # fmt: skip
# leaf helpers anyone may use
BASE = {"errors", "console", "charts", "heat_map", "engine", "__init__"}
ALLOWED = {  # room -> the rooms it may import (besides itself and BASE)
    "config": set(),
    "tables": {"config"},
    **{stage: {"config", "tables", *STAGES} for stage in STAGES},
    "jobs": {"config", "tables", *STAGES},
    "api": {"config", "tables", "jobs", *STAGES},
    "cli": {"config", "tables", "jobs", "api", *STAGES},
    "__main__": {"cli"},
}


def room(module: str) -> str:
    """``staffplan.schedule.cover`` → ``schedule``; ``staffplan`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_rooms(path: Path) -> set[str]:
    """The staffplan rooms a module imports (top level or inside functions)."""
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "staffplan" else [
                f"staffplan.{alias.name}" for alias in node.names
            ]  # fmt: skip
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        rooms |= {room(name) for name in names if name.startswith("staffplan.")}
    return rooms - {"__version__"}


def test_every_module_imports_only_the_rooms_below_it():
    broken = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        own = room(module.removesuffix(".__init__"))
        if own in BASE:
            continue
        assert own in ALLOWED, f"{module}: room {own!r} has no rule in ALLOWED; add one"
        extra = imported_rooms(path) - ALLOWED[own] - BASE - {own}
        broken += [f"{module} imports {other}" for other in sorted(extra)]
    assert not broken, "layout rules broken:\n" + "\n".join(broken)


def test_the_rule_catches_a_stage_importing_a_job(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from staffplan.jobs.plan import run_plan\n", encoding="utf-8")
    assert imported_rooms(module) - ALLOWED["schedule"] == {"jobs"}
