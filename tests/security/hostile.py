"""Hostile input harness: throw random, oversized, mistyped and missing form data and forged
ids at an endpoint, and hold it to the house rule — the answer is a success or a 4xx with a
reason, never a 500, and a refusal leaves the database exactly as it was.

Reusable by every area's tests:

    from tests.security.hostile import hostile_form, ids, probe
    from hypothesis import strategies as st

    def test_backlog_create_survives_hostile_input(world, client, login):
        login(world.users["product_owner"])
        requests = st.tuples(st.just("/p/ALPHA/backlog"),
                             hostile_form({"title": st.text(max_size=200), "kind": None}))
        probe(client, requests, label="backlog.create")

`requests` yields (url, data) pairs; `data` is sent as the form body (or the query string with
method="GET"). Each request goes out either plainly or as htmx (HX-Request), drawn at random.
The number of inputs tried is added to TRIED[label] (and the statuses answered to OUTCOMES)
and printed at the end of the test run. HOSTILE_EXAMPLES=n changes the examples per call.
"""
import os
import re
from collections import Counter
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from tests.security.xss_corpus import PAYLOADS

TRIED: Counter = Counter()
OUTCOMES: dict[str, Counter] = {}  # label -> Counter of status codes answered
MAX_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "40"))
MAX_ID = 2**31 - 1

# Values that have broken web forms before: empty and blank, numbers that are not quite
# numbers (a superscript that isdigit accepts and int refuses, other scripts' digits, more
# digits than int reads), wildcards, direction overrides, very long text, NUL, and markup.
SPECIAL_VALUES = [
    "", " ", "\t\n ", "0", "-1", "1.5", "1e309", "9" * 40, "²", "9" * 5000, "١٢", "1²",
    "NaN", "Infinity", "null", "None",
    "true", "on", "[]", "{}", "' OR '1'='1' --", "%", "_", "%_%", "\\", "\u202eevil", "İı",
    "😀" * 60, "a" * 300, "A" * 70_000, "x\x00y", "\x00", "ALPHA", "BETA",
    "admin@example.test", "outsider@b.example", *PAYLOADS[:8],
]
HEADER_VARIANTS = st.sampled_from([{}, {"HX-Request": "true"}])


# Hypothesis likes "\x00" as its simplest character; the NUL guard refuses it up front, so
# random text leaves it out and SPECIAL_VALUES sends it on purpose.
_TEXT = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))


def hostile_text() -> st.SearchStrategy[str]:
    """Any string: random unicode, long text, and the special values above."""
    return st.one_of(
        st.text(_TEXT, max_size=40),
        st.text(_TEXT, min_size=200, max_size=1500),
        st.sampled_from(SPECIAL_VALUES),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )


def hostile_value() -> st.SearchStrategy:
    """A form value: one string, or several values under the same name (a wrong type)."""
    return st.one_of(hostile_text(), st.lists(hostile_text(), min_size=2, max_size=4))


def hostile_form(fields, *, extra: bool = True) -> st.SearchStrategy[dict]:
    """Form data that is plausible, plausible but for one field, or any mix of missing,
    plausible and hostile fields (plus unknown ones, with `extra`).

    `fields` maps a field name to a strategy of plausible values (None: no plausible value,
    e.g. a free text), or is a plain list of names.
    """
    if not isinstance(fields, dict):
        fields = dict.fromkeys(fields)
    plausible = {name: (strategy if strategy is not None else st.text(_TEXT, max_size=40))
                 for name, strategy in fields.items()}
    anything = {name: st.one_of(strategy, hostile_value()) for name, strategy in plausible.items()}

    @st.composite
    def one_field_wrong(draw):
        form = draw(st.fixed_dictionaries(plausible))
        if form:
            name = draw(st.sampled_from(sorted(form)))
            if draw(st.booleans()):
                del form[name]
            else:
                form[name] = draw(hostile_value())
        return form

    form = st.one_of(st.fixed_dictionaries(plausible), one_field_wrong(),
                     st.fixed_dictionaries({}, optional=anything))
    if not extra:
        return form
    extras = st.dictionaries(st.text(_TEXT, min_size=1, max_size=12), hostile_text(), max_size=2)
    return st.tuples(extras, form).map(lambda pair: {**pair[0], **pair[1]})


def ids(*known: int) -> st.SearchStrategy[int]:
    """Ids to forge: the given ones (another project's rows), small, negative and huge ones."""
    choices = [st.integers(min_value=-3, max_value=500),
               st.integers(min_value=MAX_ID - 2, max_value=2**80)]
    if known:
        choices.insert(0, st.sampled_from(known))
    return st.one_of(*choices)


def path_segments(*known) -> st.SearchStrategy[str]:
    """A URL path segment: a forged id, or any text (quoted), for `<int:…>` and `<key>` parts."""
    return st.one_of(ids(*[k for k in known if isinstance(k, int)]).map(str),
                     st.sampled_from([str(k) for k in known] or ["x"]),
                     st.text(min_size=1, max_size=20).map(lambda s: quote(s, safe="")))


def snapshot(ignore=()) -> dict:
    """Every row of every table (small in tests), to compare before and after a request."""
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in ignore:
            continue
        rows = db.session.execute(table.select()).all()
        state[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return state


# How a page says why it refused: a field's error list, an alert, an error message or page
# (any class ending in "--error"), or for htmx an announcement in HX-Trigger.
REASON = re.compile(r'class="[^"]*\b(?:errors|error-page|[a-z-]+--error)\b[^"]*"|role="alert"')


def has_reason(response) -> bool:
    if response.mimetype == "application/problem+json":  # the JSON API's refusals
        return bool(response.json.get("title") and response.json.get("detail"))
    return bool(REASON.search(response.get_data(as_text=True))) or (
        "samspil:announce" in response.headers.get("HX-Trigger", ""))


def hostile_json() -> st.SearchStrategy:
    """A JSON value of any type: hostile text, numbers out of every range, nested containers."""
    scalar = st.one_of(hostile_text(), st.integers(min_value=-2**70, max_value=2**70),
                       st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                       st.none(), st.sampled_from([0, 1, -1, 2**31, 2**31 - 1, 0.5, 1e308]))
    return st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text(), inner, max_size=3)),
        max_leaves=8)


def check_answer(response, before: dict, after: dict, what: str) -> None:
    """The house rule for one answer."""
    status = response.status_code
    assert status < 500, f"{what}: {status}"
    if status >= 400:
        assert has_reason(response), f"{what}: {status} without a visible reason"
        changed = sorted(name for name in before if before[name] != after.get(name))
        assert not changed, f"{what}: refused with {status} but changed {changed}"


def probe(client, requests, *, label: str, method: str = "POST", ignore_tables=(),
          max_examples: int | None = None, headers=HEADER_VARIANTS, reset=None,
          as_json: bool = False) -> int:
    """Send hostile requests; returns (and records in TRIED) how many were tried.

    `reset`, if given, is called before each request (e.g. to sign the client out again);
    `as_json` sends the data as a JSON body (the API's).
    """
    tried = 0

    @settings(max_examples=max_examples or MAX_EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(request=requests, extra_headers=headers)
    def run(request, extra_headers):
        nonlocal tried
        url, data = request
        if reset is not None:
            reset()
        before = snapshot(ignore_tables)
        payload = ({"query_string": data} if method == "GET"
                   else {"json": data} if as_json else {"data": data})
        response = client.open(url, method=method, headers=extra_headers, **payload)
        # A request's own session would end here; in tests it is the test's session.
        db.session.rollback()
        tried += 1
        OUTCOMES.setdefault(label, Counter())[response.status_code] += 1
        check_answer(response, before, snapshot(ignore_tables),
                     f"{method} {url} {extra_headers} {str(data)[:300]!r}")

    run()
    TRIED[label] += tried
    return tried
