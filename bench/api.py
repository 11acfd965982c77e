"""The JSON API's part of the benchmark (issue 20): 100 items of the largest project as a
program lists them, one item read, and a card moved with If-Match, each with a personal access
token of one of the project's developers (targets from the issue: 20, 8 and 12 ms median on
PostgreSQL)."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.api.tokens import create_token
from app.backlog.models import Item
from app.clock import local_today
from app.extensions import db
from app.projects.models import Project
from bench.scenarios import Scenario, _any_member


def _token_headers(role: str) -> tuple[str, dict]:
    email = _any_member(role)
    user = db.session.scalar(select(User).where(User.email == email))
    project = db.session.scalar(select(Project).where(Project.key == "BIG"))
    _token, secret = create_token(user, "Bench", [project.id], True,
                                  local_today() + timedelta(days=7))
    db.session.commit()
    return email, {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


def list_items(ctx):
    email, headers = _token_headers("developer")
    return lambda: (email, "GET", "/api/v1/projects/BIG/items?limit=100", None, headers)


def read_item(ctx):
    email, headers = _token_headers("developer")
    number = db.session.scalar(select(func.max(Item.number)).join(Project).where(
        Project.key == "BIG"))
    return lambda: (email, "GET", f"/api/v1/projects/BIG/items/{number}", None, headers)


def move_item(ctx):
    """Move one open card back and forth between ready and in progress, with its ETag."""
    email, headers = _token_headers("developer")
    number = db.session.scalar(select(func.max(Item.number)).join(Project).where(
        Project.key == "BIG", Item.status.in_(["ready", "in_progress"])))
    state = {"to": "in_progress"}

    def make():
        version = db.session.scalar(select(Item.version_id).join(Project).where(
            Project.key == "BIG", Item.number == number))
        state["to"] = "ready" if state["to"] == "in_progress" else "in_progress"
        return (email, "POST", f"/api/v1/projects/BIG/items/{number}/move",
                json.dumps({"status": state["to"]}),
                {**headers, "If-Match": f'"v{version}"', "Content-Type": "application/json"})
    return make


SCENARIOS = [
    Scenario("API: 100 items of 3,000", list_items, target_ms=20),
    Scenario("API: read one item", read_item, target_ms=8),
    Scenario("API: move a card with If-Match", move_item, target_ms=12),
]
