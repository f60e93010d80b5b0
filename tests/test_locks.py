"""The locks install what pyproject.toml pins (issue 19: reproducible installs).

pyproject.toml pins each direct dependency (==); requirements/run.txt and requirements/test.txt
(`make lock`) pin every package with its hashes, and `make run` / `make test` install only those.
A pin changed in pyproject.toml without `make lock` would leave the old version installed: these
tests fail until the locks are made again. The Node packages' package-lock.json files must carry an
integrity hash for each package, which `npm ci` checks.
"""

import json
import os
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    """A package name as PyPI compares them (PEP 503): Django and django, zope.event and zope-event."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = REQUIREMENT.match(line.split("#", 1)[0].strip())
        assert match, f"not pinned with ==: {line!r}"
        pins[_name(match[1])] = match[3]
    return pins


def _lock(path: str) -> dict[str, str]:
    """{package: version} of a lock; each entry must be followed by at least one hash."""
    text = (ROOT / path).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = {}
    for entry in entries:
        if not entry.strip() or entry.startswith("#"):
            continue
        pins.update(_pins([entry.splitlines()[0]]))
        assert "--hash=sha256:" in entry, f"{path}: no hash for {entry.splitlines()[0]}"
    return pins


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_direct_dependency_is_locked_at_its_pinned_version():
    project = _project()
    run, test = _lock("requirements/run.txt"), _lock("requirements/test.txt")
    wanted = {"requirements/run.txt": (_pins(project["dependencies"]), run)}
    extras = {}
    for requirements in project["optional-dependencies"].values():
        extras.update(_pins(requirements))
    wanted["requirements/test.txt"] = ({**_pins(project["dependencies"]), **extras}, test)
    differences = [
        f"{path}: {name} {locked.get(name, 'missing')}, pyproject.toml {version}"
        for path, (pins, locked) in wanted.items()
        for name, version in pins.items()
        if locked.get(name) != version
    ]
    assert not differences, "run `make lock` after changing pyproject.toml:\n" + "\n".join(differences)


def test_the_test_lock_installs_the_same_versions_as_the_run_lock():
    run, test = _lock("requirements/run.txt"), _lock("requirements/test.txt")
    assert len(run) > len(_project()["dependencies"])  # transitive dependencies are locked too
    assert {name: test.get(name) for name in run} == run


def _package_locks():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in {"node_modules", ".git", ".venv"}]
        if "package-lock.json" in files:
            yield Path(folder) / "package-lock.json"


def test_every_node_package_lock_has_integrity_hashes():
    locks = list(_package_locks())
    assert ROOT / "tests" / "frappe_client" / "package-lock.json" in locks
    for path in locks:
        packages = json.loads(path.read_text())["packages"]
        installed = {key: value for key, value in packages.items() if key and not value.get("link")}
        assert installed, path
        missing = [key for key, value in installed.items() if not value.get("integrity", "").startswith("sha")]
        assert not missing, f"{path.relative_to(ROOT)}: no integrity hash for {missing}"
