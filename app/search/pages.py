"""The search page: read the URL, jump to an exact key, or search and render."""
import re

from flask import redirect
from flask_babel import gettext as _, ngettext
from markupsafe import Markup, escape

from app.search import queries, registry, syntax
from app.web import add_triggers, is_htmx, render_page_or_partial

_MARKERS = re.compile(f"([{queries.START}{queries.STOP}])")


def highlight(snippet: str) -> Markup:
    """The snippet escaped, with only its highlights as <mark> (always closed)."""
    parts, is_open = [], False
    for part in _MARKERS.split(snippet):
        if part in (queries.START, queries.STOP):
            if (part == queries.START) != is_open:
                parts.append("<mark>" if part == queries.START else "</mark>")
                is_open = not is_open
        else:
            parts.append(str(escape(part)))
    if is_open:
        parts.append("</mark>")
    return Markup("".join(parts))


def search_page(user, args):
    """The results of ?q= in the projects the user is a member of (422 with the reason when the
    query or a filter cannot be used); an exact key the user may see answers 303 to its item."""
    projects = queries.visible_projects(user)
    filters = queries.SearchFilters.from_args(args, projects)
    problem, results = None, None
    if filters.invalid:
        problem = _("These filters are not known and were left out: %(names)s.",
                    names=", ".join(filters.invalid))
    elif filters.q:
        url = None if is_htmx() else queries.find_by_key(filters.q, projects)
        if url:
            return redirect(url, 303)
        try:
            results = queries.search(syntax.parse(filters.q), projects, filters)
        except syntax.QueryProblem as refusal:
            problem = str(refusal)
    response = render_page_or_partial(
        "search/index.html", "search/_results.html", 422 if problem else 200,
        filters=filters, results=results, problem=problem, projects=projects,
        kinds=registry.kinds(), statuses=queries.status_choices(), highlight=highlight)
    if is_htmx() and results is not None:
        add_triggers(response, ngettext("%(num)d result.", "%(num)d results.", results.total))
    return response
