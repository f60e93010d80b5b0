"""The layers of DESIGN.md §8 hold, and the checks that hold them bite.

``make test`` runs ``lint-imports`` and ``ruff check`` before the tests (scripts/run_tests.sh). Here the
same contracts (pyproject.toml's [tool.importlinter]) run over a copy of the code with one module added
that breaks them, a lazy import inside a function included: a contract that cannot fail would be no
contract. No database: these are plain subprocesses over files.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LINT_IMPORTS = str(BIN / "lint-imports")
RUFF = str(BIN / "ruff")

BROKEN_CORE = '''"""A core module that reaches up: to an engine (lazily) and to the app."""

import apps.innovation_action


def state_of(doc):
    from apps.lowcode.workflow import engine

    return engine, apps.innovation_action
'''


def python_only(folder, names):
    """copytree's ignore: packages and their .py files only (no templates, static files or uploads)."""
    return [
        name for name in names if name == "__pycache__" or not (name.endswith(".py") or Path(folder, name).is_dir())
    ]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path):
    for package in ("apps", "sites"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_core_module_importing_an_engine_and_the_app_breaks_the_contracts(copy_of_the_code):
    (copy_of_the_code / "apps/lowcode/doctype/state_probe.py").write_text(BROKEN_CORE)
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    out = " ".join(result.stdout.split())  # rich wraps long lines
    assert "The low-code platform knows nothing of the apps built on it BROKEN" in out
    assert "apps.lowcode runs one way: doors > services > document > engines > core > base BROKEN" in out
    assert "No import cycle inside apps.lowcode BROKEN" in out
    assert "apps.lowcode.doctype.state_probe -> apps.lowcode.workflow.engine" in out


def test_a_cycle_between_two_modules_of_an_engine_breaks_the_contract(copy_of_the_code):
    numbering = copy_of_the_code / "apps/lowcode/print_format/numbering.py"
    # compose.py imports numbering.py; numbering reaching back, even inside a function, closes a cycle.
    numbering.write_text(
        numbering.read_text() + "\n\ndef composer():\n"
        "    from apps.lowcode.print_format import compose\n\n    return compose\n"
    )
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    out = " ".join(result.stdout.split())
    assert "No import cycle inside apps.lowcode BROKEN" in out
    assert "No cycles are allowed in apps.lowcode.print_format" in out


def test_a_package_not_placed_in_the_layers_breaks_them(copy_of_the_code):
    package = copy_of_the_code / "apps/lowcode/reports"
    package.mkdir()
    (package / "__init__.py").write_text('"""A new package, not yet given its layer."""\n')
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    out = " ".join(result.stdout.split())
    assert "apps.lowcode runs one way: doors > services > document > engines > core > base BROKEN" in out
    assert "apps.lowcode.reports" in out


def test_ruff_passes_here_and_refuses_an_unused_import(tmp_path):
    paths = ["apps", "tests", "bench", "sites", "scripts", "manage.py"]
    clean = subprocess.run([RUFF, "check", "--no-cache", *paths], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "careless.py").write_text("import os\n")
    dirty = subprocess.run(
        [RUFF, "check", "--no-cache", "careless.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert dirty.returncode != 0
    assert "F401" in dirty.stdout


def test_workbench_pages_use_the_workbench_toast_not_frappe_uis():
    """frappe-ui's toast has nothing on screen to show it in the workbench (src/components/ToastHost.vue
    shows src/toast.js's, labelled in Chinese for screen readers): a page importing it would show nothing."""
    import re

    source = ROOT / "apps/innovation_action/frontend/src"
    offenders = [
        str(path.relative_to(source))
        for path in [*source.rglob("*.vue"), *source.rglob("*.js")]
        if re.search(r"import\s*\{[^}]*\btoast\b[^}]*\}\s*from\s*'frappe-ui'", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_workbench_dialogs_use_the_named_close_button():
    """frappe-ui's Dialog closes by an icon button without a name; src/components/AppDialog.vue wraps it with a
    named one (关闭), so it is the only file that imports Dialog from frappe-ui."""
    import re

    source = ROOT / "apps/innovation_action/frontend/src"
    offenders = [
        str(path.relative_to(source))
        for path in [*source.rglob("*.vue"), *source.rglob("*.js")]
        if path.name != "AppDialog.vue"
        and re.search(r"import\s*\{[^}]*\bDialog\b[^}]*\}\s*from\s*'frappe-ui'", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
