"""scripts/access_rules.py prints every route of the expectations table."""
import subprocess
import sys
from pathlib import Path

from tests.permissions_table import EXPECTATIONS

ROOT = Path(__file__).resolve().parents[2]


def test_access_rules_script_lists_every_route():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "access_rules.py")],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    for endpoint, (method, path, _rules) in EXPECTATIONS.items():
        assert f"`{method} {path}` | `{endpoint}`" in out
    assert out.startswith("| route | endpoint | anon | outsider |")
