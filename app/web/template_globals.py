"""Helpers an area gives every template: its labels, its panels' functions, its constants."""
from collections import ChainMap
from collections.abc import Callable

from flask import Blueprint
from flask.templating import Environment


def template_globals(bp: Blueprint) -> Callable:
    """Decorate a function returning an area's template helpers: they become the templates'
    globals once, when `bp` is registered. A context processor would make them again at every
    render (Flask runs each one, ~10 µs apiece with its checks; at 19 of them, 0.2 ms of every
    page and htmx answer), so only values of the request itself belong in one."""
    def register(make: Callable[[], dict]) -> Callable[[], dict]:
        bp.record_once(lambda state: state.app.jinja_env.globals.update(make()))
        return make
    return register


class TemplateEnvironment(Environment):
    """Flask's template environment, whose templates share its globals as the plain dict they
    are. Jinja gives each template a ChainMap over them (so that a template's own globals
    cannot change the environment's), and copies it into every context it makes, key by key
    in Python: at ~90 globals, 60 µs for each page and each imported macro file, where a
    dict's copy costs 0.5 µs. No template here has globals of its own; one that is given
    some still gets the ChainMap."""

    def make_globals(self, d):
        return ChainMap(d, self.globals) if d else self.globals
