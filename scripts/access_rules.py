"""Print the access rules of every route as a Markdown table, from tests/permissions_table.py.

Usage: .venv/bin/python scripts/access_rules.py > access-rules.md
The table is the same one tests/test_permissions.py enforces, route by route and persona by
persona, so the printout is evidence of what is tested, not a description of intent.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.permissions_table import EXPECTATIONS, PERSONAS

SHORT = {"anonymous": "anon", "outsider": "outsider", "product_owner": "PO",
         "contributor": "contrib", "developer": "dev", "delivery_lead": "lead",
         "secretariat": "secr", "steering": "steer", "observer": "obs", "site_admin": "admin"}
SYMBOL = {"ok": "✓", "login": "→ login", "403": "403", "404": "404"}


def rows():
    for endpoint, (method, path, rules) in sorted(EXPECTATIONS.items(), key=lambda i: i[1][1]):
        yield [f"`{method} {path}`", f"`{endpoint}`",
               *(SYMBOL.get(rules[p], rules[p]) for p in PERSONAS)]


def main() -> int:
    header = ["route", "endpoint", *(SHORT.get(p, p) for p in PERSONAS)]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in rows():
        print("| " + " | ".join(row) + " |")
    print()
    print("✓ allowed · → login: sent to sign in · 403: member without the right · "
          "404: not visible (non-members). Outsider = member of another project only; "
          f"{len(EXPECTATIONS)} routes × {len(PERSONAS)} personas = "
          f"{len(EXPECTATIONS) * len(PERSONAS)} cases, "
          "each one a test in tests/test_permissions.py.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
