"""Runs a script of tests/frappe_client/ (a real Frappe client library under Node.js) and reads its answer."""

import json
import subprocess
from pathlib import Path

CLIENT_DIR = Path(__file__).parent / "frappe_client"


def run_script(script: str, *args: str, timeout: int = 120):
    """The JSON the script prints on stdout; fails the test with its stderr when it exits with an error."""
    completed = subprocess.run(
        ["node", script, *args], cwd=CLIENT_DIR, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
