"""Every case of tests/bad_inputs/cases.yaml through the CLI: exit 2, one clear message,
no traceback, and no output left behind or changed (see tests/bad_inputs/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from staffplan.cli import app

CATALOGUE = Path(__file__).parent / "bad_inputs"
CASES = yaml.safe_load((CATALOGUE / "cases.yaml").read_text(encoding="utf-8"))
BASE_FILES = yaml.safe_load((CATALOGUE / "base_files.yaml").read_text(encoding="utf-8"))


def _write_files(folder: Path, files: dict) -> None:
    for name, content in {**BASE_FILES, **(files or {})}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            path.write_bytes(bytes.fromhex(content["hex"]))
        else:
            path.write_text(content, encoding="utf-8")


def test_catalogue_is_large_and_ids_are_unique():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40, f"the catalogue has only {len(ids)} cases"


def _param(case: dict):
    """A case as a pytest param; ``xfail: reason`` marks a known gap (strict: once fixed,
    the case passes and the marker must go)."""
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_bad_input_gives_one_clear_message(case, tmp_path):
    _write_files(tmp_path, case.get("files"))
    out = tmp_path / case.get("out", "out.csv")
    before = _contents(out)
    args = [a.format(dir=tmp_path, out=out) for a in case["args"]]
    result = CliRunner().invoke(app, args)
    stderr = result.stderr
    assert result.exit_code == case.get("exit", 2), (result.exit_code, stderr, result.stdout)
    assert "Traceback" not in stderr and "Traceback" not in result.stdout
    if result.exit_code == 0:  # a valid input that once crashed: it works now
        for name in [out.name, *case["writes"]]:
            assert (tmp_path / name).exists(), f"{name} was not written: {result.stdout}"
        return
    assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
    for fragment in case["expect"]:
        assert fragment.format(dir=tmp_path) in stderr, (fragment, stderr)
    if before is None:
        assert not out.exists(), f"{out} was created by a failed run"
    else:
        assert _contents(out) == before, f"{out} was changed by a failed run"


def _contents(out: Path) -> bytes | dict[str, bytes] | None:
    """The bytes of the file ``out``, or of every file under the folder ``out``."""
    if out.is_dir():
        return {
            str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
        }
    return out.read_bytes() if out.is_file() else None
