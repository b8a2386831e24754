"""The import rules of the shared CONVENTIONS.md (``../shared``), kept true by tests rather than by hope:
the import-linter contracts in pyproject.toml (layers, no cycles, Flask only at the edge, the worker only
from entry points), and the rules a static import graph cannot see."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _sources(*packages: str) -> list[Path]:
    return [p for package in packages for p in (REPO / package).rglob("*.py")]


def test_the_import_linter_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency (pip install -e '.[dev]')"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " 0 broken" in result.stdout


def test_only_entry_points_read_the_environment():
    allowed = {REPO / "config" / "settings.py", REPO / "intake" / "cli" / "devserver.py", REPO / "tests"}
    for path in _sources("intake", "worker", "config"):
        if path in allowed:
            continue
        assert "os.environ" not in path.read_text(encoding="utf-8"), f"{path.relative_to(REPO)} reads os.environ"


def test_engine_commands_do_not_import_flask():
    code = (
        "import sys, intake.cli\n"
        "try:\n    intake.cli.main(['redact', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('flask' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "False False", result.stdout + result.stderr
