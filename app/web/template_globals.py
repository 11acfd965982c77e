"""Helpers an area gives every template: its labels, its panels' functions, its constants."""
from collections.abc import Callable

from flask import Blueprint


def template_globals(bp: Blueprint) -> Callable:
    """Decorate a function returning an area's template helpers: they become the templates'
    globals once, when `bp` is registered. A context processor would make them again at every
    render (Flask runs each one, ~10 µs apiece with its checks; at 19 of them, 0.2 ms of every
    page and htmx answer), so only values of the request itself belong in one."""
    def register(make: Callable[[], dict]) -> Callable[[], dict]:
        bp.record_once(lambda state: state.app.jinja_env.globals.update(make()))
        return make
    return register
