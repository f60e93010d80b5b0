"""Nothing about 赣州 is code (DESIGN.md §1): its words live in fixtures/ganzhou-2023 (and the tests), never in
apps/ — neither in code, comments and templates nor in user-facing text. Migrations are history and are left
as they were written."""

import re
from pathlib import Path

APPS = Path(__file__).resolve().parent.parent / "apps"
JURISDICTION = re.compile(r"赣州|赣市")
SKIPPED_FOLDERS = {"migrations", "node_modules", "__pycache__", "dist"}
TEXT_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".json", ".yaml", ".yml", ".vue", ".ts", ".md"}


def source_files():
    for path in sorted(APPS.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES and not SKIPPED_FOLDERS & set(path.parts):
            yield path


def test_apps_hold_no_word_of_the_ganzhou_demo():
    files = list(source_files())
    assert len(files) > 100 and any(p.suffix == ".html" for p in files)  # the walk really reads code and templates
    found = [
        f"{path.relative_to(APPS.parent)}:{number}: {line.strip()[:80]}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if JURISDICTION.search(line)
    ]
    assert not found, "apps/ 中仍有赣州的文字（请移到 fixtures/ganzhou-2023）：\n" + "\n".join(found)


def test_the_defaults_every_site_installs_hold_no_word_of_the_ganzhou_demo():
    """print_formats/ and fixtures/defaults/ are installed on every new site (`new_site`): what they print must
    not name 赣州 (their comments may point to the demo's own files)."""
    root = APPS.parent
    files = sorted([*(root / "print_formats").glob("*.yaml"), *(root / "fixtures" / "defaults").glob("*.yaml")])
    assert len(files) >= 6
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()[:80]}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if JURISDICTION.search(line) and not line.lstrip().startswith("#")
    ]
    assert not found, "新站点的默认配置中有赣州的文字：\n" + "\n".join(found)
