"""What a person types, read once for both databases: words, "quoted phrases", -excluded words
and `or` between alternatives (the syntax of PostgreSQL's `websearch_to_tsquery`).

Nothing typed reaches FTS5's MATCH or a tsquery as syntax: the words are cut out with `\\w+`
(so `NEAR(`, `*`, `^`, `:` and column filters are only separators) and written back quoted.
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from flask_babel import lazy_gettext as _l

MAX_LENGTH = 200  # characters of a query
MAX_TERMS = 16

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class QueryProblem(ValueError):
    """The query cannot be searched for; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # lower case; more than one word is a phrase

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class ParsedQuery:
    text: str  # the query as searched for (control characters removed, spaces collapsed)
    groups: list[list[Term]] = field(default_factory=list)  # all groups; any term of a group
    excluded: list[Term] = field(default_factory=list)


def clean(raw: str) -> str:
    """The query without control characters (NUL included) and with single spaces."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())


def parse(raw: str) -> ParsedQuery:
    """Read a query; QueryProblem when it is too long or has nothing to look for."""
    text = clean(raw)
    if len(text) > MAX_LENGTH:
        raise QueryProblem(_l("Search for at most %(n)d characters.", n=MAX_LENGTH))
    query, pending_or = ParsedQuery(text), False
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            pending_or = bool(query.groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        words = tuple(w.lower() for w in _WORD.findall(phrase if bare is None else bare))
        if not words:
            continue
        if minus:
            query.excluded.append(Term(words))
        elif pending_or:
            query.groups[-1].append(Term(words))
        else:
            query.groups.append([Term(words)])
        pending_or = False
    if len(query.excluded) + sum(map(len, query.groups)) > MAX_TERMS:
        raise QueryProblem(_l("Search for at most %(n)d words at a time.", n=MAX_TERMS))
    if not query.groups:
        raise QueryProblem(_l("Type a word to search for."))
    return query


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """The word's Danish stem (Snowball, the algorithm of PostgreSQL's `danish` configuration)."""
    return _STEMMER.stemWord(word)


_STEMMER = snowballstemmer.stemmer("danish")


def _fts5_term(term: Term) -> str:
    # Words are \w+ only, so they hold no quote; a single word is its stem as a prefix, which
    # finds every inflection ("beredskabsplaner" -> "beredskabsplan"*); a phrase is exact.
    if term.is_phrase:
        return '"' + " ".join(term.words) + '"'
    return f'"{stem(term.words[0])}"*'


def fts5_expression(query: ParsedQuery) -> str:
    """The query as an FTS5 MATCH expression built only from quoted words."""
    groups = []
    for group in query.groups:
        terms = [_fts5_term(t) for t in group]
        groups.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    expression = " AND ".join(groups)
    if query.excluded:
        expression = (f"({expression}) NOT ("
                      + " OR ".join(_fts5_term(t) for t in query.excluded) + ")")
    return expression
