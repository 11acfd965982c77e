"""The mixed workload of signed-in users for the HTTP load test. Areas add their actions.

An action is (weight, name, make) where make(rnd, session) returns
(method, path, form or None, statuses that count as success)."""
from bench.backlog import actions as backlog_actions
from bench.backlog import open_numbers
from bench import discovery
from bench.dataset import MARKER_KEY
from bench.sprints import actions as sprint_actions

__all__ = ["actions", "open_numbers"]

OK = {200}


def actions(numbers: list[int]):
    """The mix; `numbers`: the open cards of the marker project (`open_numbers`)."""
    key = MARKER_KEY
    return [
        (2, "my projects", lambda rnd, s: ("GET", "/", None, OK)),
        (2, "project overview", lambda rnd, s: ("GET", f"/p/{key}/", None, OK)),
        (2, "my work", lambda rnd, s: ("GET", "/my", None, OK)),
        *backlog_actions(key, numbers),
        *discovery.actions(),
        *sprint_actions(key),
    ]
