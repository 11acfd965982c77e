"""The house rules that keep routes thin: a route loads, checks, calls a service and answers.
What a page shows lives in the area's pages.py, rules in its services (see docs/STYLE)."""
import inspect

MAX_ROUTE_LINES = 25


def _views(app):
    for endpoint, view in sorted(app.view_functions.items()):
        view = inspect.unwrap(view)
        if view.__module__.startswith("app."):
            yield endpoint, view


def test_every_route_is_at_most_25_lines(app):
    too_long = {}
    for endpoint, view in _views(app):
        lines, _start = inspect.getsourcelines(view)
        length = sum(1 for line in lines if not line.lstrip().startswith("@"))
        if length > MAX_ROUTE_LINES:
            too_long[endpoint] = length
    assert not too_long, f"routes longer than {MAX_ROUTE_LINES} lines: {too_long}"


def test_every_route_says_what_it_is_for(app):
    missing = [endpoint for endpoint, view in _views(app) if not inspect.getdoc(view)]
    assert not missing, f"routes without a docstring: {missing}"

