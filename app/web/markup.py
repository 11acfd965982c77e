"""Markup shared by templates and Python-built markup: isolating what people typed, and what a
Jinja loop makes too slowly where it repeats hundreds of times."""
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from markupsafe import Markup, escape


def bdi(text) -> Markup:
    """`text` (a name, a title: anything a person typed) escaped inside <bdi>, so that its
    own direction, a U+202E included, cannot reorder the words around it. Empty stays empty."""
    if text is None or text == "":
        return Markup("")
    return Markup(f"<bdi>{escape(text)}</bdi>")


def member_options(members, selected) -> Markup:
    """`<option>`s for a choice among a project's members (rows of id and name), the one
    whose id equals `selected` chosen. A project of 400 people lists them in the filters of
    every board and backlog page; a Jinja loop spent ~3 ms on that, a loop here ~0.6 ms, and
    the same members' options are kept (their (id, name) pairs are the key: any change is a
    new list; as plain tuples, since a database row compares itself in Python)."""
    return _options(tuple(map(tuple, members)),
                    str(selected) if selected is not None else "")


@functools.lru_cache(maxsize=64)
def _options(members: tuple, selected: str) -> Markup:
    return Markup("".join(
        f'<option value="{ident}"{" selected" if str(ident) == selected else ""}>'
        f'{escape(name)}</option>' for ident, name in members))


def suggestion_options(pairs) -> Markup:
    """`<option>`s of a `<datalist>`: (value, label) pairs, both escaped. The need page suggests
    up to 300 items to link; its Jinja loop was a tenth of the page, and writing them here
    still 0.7 ms: the same suggestions' options are kept (the pairs are the key)."""
    return _suggestions(tuple(pairs))


@functools.lru_cache(maxsize=64)
def _suggestions(pairs: tuple) -> Markup:
    return Markup("".join(f'<option value="{escape(value)}">{escape(label)}</option>'
                          for value, label in pairs))


class KeptMarkup:
    """Markup kept per process under a key that holds everything it shows (a row's values, the
    language, the addresses): a changed thing is a new key, never a stale answer. Bounded: the
    entry used longest ago goes first. Safe to share between a server's threads."""

    def __init__(self, size: int):
        self.size = size
        self._kept: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], str]) -> str:
        """The markup kept under `key`, else `make()`'s, kept."""
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
                return html
        html = make()
        with self._lock:
            self._kept[key] = html
            if len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return html

    def __len__(self) -> int:
        return len(self._kept)


def words_by_language(make: Callable[[], object]) -> Callable[[str], object]:
    """`make()`'s translated words, looked up once per process and language: the returned
    function takes the request's language, and is called only in a request in that language
    (the argument keeps the languages apart)."""
    return functools.lru_cache(maxsize=16)(lambda _locale: make())
