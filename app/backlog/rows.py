"""The markup of backlog rows. A backlog page shows fifty rows, and the Jinja template per row
cost ~13 ms of a ~30 ms page; the same markup written here costs ~2 ms. This module is the
single source of a row's markup: `backlog/_rows.html` calls `backlog_rows` for a page of
rows, and `backlog/_row.html` calls `backlog_row` for one row, in any of its states (shown,
one field open for inline editing, with an error).

Everything a person typed (titles, names, labels, the error) and every translated word is
escaped, and what was typed is isolated (dir="auto", <bdi>) so that its direction cannot
reorder the row; the rest are numbers, project keys (A–Z only), the fixed item types and
statuses, and addresses built by `url_for`, which are escaped too."""
import functools
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from app.backlog.display import status_label, type_label
from app.backlog.models import STATUSES, ItemType
from app.backlog.services import format_points
from app.web import KeptMarkup, member_options, words_by_language


@dataclass(frozen=True)
class RowWords:
    """The rows' translated words, looked up and escaped once per response (fifty rows would
    otherwise cost ~1,000 lookups). The patterns with a %(key)s are escaped after formatting,
    as Jinja's `format` would."""

    types: dict
    statuses: dict
    drag: Markup
    edit: Markup
    blocked: Markup
    top: Markup
    up: Markup
    down: Markup
    bottom: Markup
    patterns: dict

    @classmethod
    def now(cls) -> "RowWords":
        return cls(types={t.value: escape(type_label(t)) for t in ItemType},
                   statuses={s: escape(status_label(s)) for s in STATUSES},
                   drag=escape(_("Drag to rank")), edit=escape(_("Edit")),
                   blocked=escape(_("Blocked")), top=escape(_("To the top")),
                   up=escape(_("Up")), down=escape(_("Down")),
                   bottom=escape(_("To the bottom")),
                   patterns={"edit_title": _("title of %(key)s"),
                             "edit_estimate": _("estimate of %(key)s"),
                             "edit_assignee": _("assignee of %(key)s"),
                             "move_top": _("Move %(key)s to the top"),
                             "move_up": _("Move %(key)s up"),
                             "move_down": _("Move %(key)s down"),
                             "move_bottom": _("Move %(key)s to the bottom")})

    def with_key(self, name: str, key: str) -> Markup:
        return escape(self.patterns[name] % {"key": key})


_row_words = words_by_language(RowWords.now)

# Rows whose markup is kept, per process: the backlog is read again after every rank change
# and by everyone on the project. Measured on the bench's first page of 50 rows: ~1.2 ms to
# write, ~0.1 ms to find.
_ROWS = KeptMarkup(4096)
_CSRF_SLOT = "\x00csrf\x00"  # no escaped text can hold a NUL


def _row_key(item) -> tuple:
    """Everything a row shows of its item (the version changes with the item itself; the
    names of its assignee, epic and labels can change without it)."""
    assignee, parent = item.assignee, item.parent
    return (item.id, item.number, item.type, item.title, item.status, item.estimate,
            item.version_id, item.is_blocked, item.assignee_id,
            assignee.name if assignee else None,
            (parent.number, parent.title) if parent else None,
            tuple(label.name for label in item.labels))


class RowRenderer:
    """Writes the rows of one project's backlog for one response: the words, addresses, the
    CSRF token and the viewer's rights are settled once, then each row is string work."""

    def __init__(self, project, can_rank: bool, can_edit: bool, item_base: str | None = None,
                 list_url: str | None = None, filters=None):
        self.key_prefix = f"{project.key}-"
        self.root = item_base if item_base is not None else url_for(
            "backlog.item", key=project.key, number=1)[:-1]
        self.index_url = escape(url_for("backlog.index", key=project.key))
        if can_rank and list_url is None:
            list_url = url_for("backlog.index", key=project.key,
                               **(filters.as_args() if filters is not None else {}))
        self.list_url = escape(list_url) if list_url is not None else ""
        self.can_rank, self.can_edit = bool(can_rank), bool(can_edit)
        self.csrf = escape(generate_csrf()) if (can_rank or can_edit) else ""
        self.locale = str(get_locale())
        self.words = _row_words(self.locale)
        self.jinja_env = current_app.jinja_env

    def rows(self, items) -> str:
        """A page of rows, none open for editing. A row's markup is a function of what its
        item shows, the viewer's rights and language and the list's address, so it is kept
        (see _ROWS) with a stand-in for the CSRF token, filled in once per page."""
        context = (self.locale, self.can_rank, self.can_edit, self.root, self.key_prefix,
                   self.list_url, self.index_url)
        csrf, self.csrf = self.csrf, (_CSRF_SLOT if self.csrf else "")
        try:
            parts = [_ROWS.get((context, _row_key(item)), functools.partial(self.row, item))
                     for item in items]
        finally:
            self.csrf = csrf
        return "\n".join(parts).replace(_CSRF_SLOT, str(csrf))

    def row(self, item, editing: str | None = None, error: str | None = None,
            members=()) -> str:
        n = item.number
        key = f"{self.key_prefix}{n}"
        base = escape(f"{self.root}{n}")
        w = self.words
        error = escape(error) if error else ""
        done = " backlog-row--done" if item.status == "done" else ""
        parts = [f'<tr id="row-{n}" class="backlog-row{done}"\n'
                 f'    data-id="{item.id}" data-number="{n}" data-version="{item.version_id}" '
                 f'data-key="{key}"\n    data-rank-url="{base}/rank">\n']
        if self.can_rank:
            parts.append(f'  <td class="drag-cell"><span class="drag-handle" aria-hidden="true" '
                         f'title="{w.drag}">⠿</span></td>\n')
        parts.append(f'  <td class="key-cell"><a class="js-item-dialog item-key" '
                     f'id="row-link-{n}" href="{base}">{key}</a></td>\n')
        parts.append(f'  <td class="title-cell">\n'
                     f'    {self._title(item, n, key, base, editing, error)}'
                     f'\n  </td>\n')
        parts.append(f'  <td><span class="type type--{item.type}">'
                     f'{w.types[item.type]}</span></td>\n'
                     f'  <td><span class="status status--{item.status}">'
                     f'{w.statuses[item.status]}</span></td>\n')
        parts.append(f'  <td class="num">\n    {self._estimate(item, n, key, base, editing, error)}'
                     f'\n  </td>\n')
        parts.append(f'  <td>\n    {self._assignee(item, n, key, base, editing, error, members)}'
                     f'\n  </td>\n')
        parts.append(f'  <td>\n    {self._parent_and_labels(item)}\n  </td>\n')
        if self.can_rank:
            parts.append(self._rank_cell(n, key, base, item.version_id))
        parts.append("</tr>")
        return "".join(parts)

    def _title(self, item, n, key, base, editing, error) -> str:
        if editing == "title":
            field = (f'<input type="text" class="input" id="inline-title-{n}" name="value" '
                     f'value="{escape(item.title)}" maxlength="200" required'
                     f'{self._invalid(n, error)}>')
            return self._inline_form(item, "title", _("Title of %(key)s", key=key), field, n, base,
                                     error)
        parts = [f'<span class="row-title" dir="auto">{escape(item.title)}</span>']
        if item.is_blocked:
            parts.append(f' <span class="badge badge--danger">{self.words.blocked}</span>')
        if self.can_edit:
            parts.append(self._edit_link("title", n, base, key))
        if error and not editing:  # an open field shows its error beside itself
            parts.append(f' <p class="errors">{error}</p>')
        return "".join(parts)

    def _estimate(self, item, n, key, base, editing, error) -> str:
        points = format_points(item.estimate)
        if editing == "estimate":
            field = (f'<input type="text" inputmode="decimal" class="input input--points" '
                     f'id="inline-estimate-{n}" name="value" value="{points}" maxlength="10"'
                     f'{self._invalid(n, error)}>')
            return self._inline_form(item, "estimate", _("Estimate of %(key)s in points", key=key),
                                     field, n, base, error)
        return (f'{points or "–"}'
                f'{self._edit_link("estimate", n, base, key) if self.can_edit else ""}')

    def _assignee(self, item, n, key, base, editing, error, members) -> str:
        if editing == "assignee":
            field = (f'<select class="input" id="inline-assignee-{n}" name="value">\n'
                     f'        <option value="">{escape(_("Nobody"))}</option>\n'
                     f'        {member_options(members, item.assignee_id)}\n      </select>')
            return self._inline_form(item, "assignee", _("Assignee of %(key)s", key=key), field,
                                     n, base, error)
        name = f"<bdi>{escape(item.assignee.name)}</bdi>" if item.assignee else "–"
        return f'{name}{self._edit_link("assignee", n, base, key) if self.can_edit else ""}'

    def _parent_and_labels(self, item) -> str:
        parts = []
        parent = item.parent
        if parent:
            title = do_truncate(self.jinja_env, parent.title, 40)
            parts.append(f'<a class="js-item-dialog" href="{escape(self.root)}{parent.number}" '
                         f'dir="auto">{escape(title)}</a>\n    ')
        parts.extend(f'<span class="label-tag" dir="auto">{escape(label.name)}</span> '
                     for label in item.labels)
        return "".join(parts)

    def _rank_cell(self, n, key, base, version) -> str:
        w = self.words
        buttons = "".join(
            f'\n      <button type="submit" name="where" value="{where}" id="rank-{where}-{n}" '
            f'class="button button--icon" title="{title}"><span aria-hidden="true">{arrow}</span>'
            f'<span class="visually-hidden">{w.with_key("move_" + where, key)}</span></button>'
            for where, title, arrow in (("top", w.top, "⤒"), ("up", w.up, "↑"),
                                        ("down", w.down, "↓"), ("bottom", w.bottom, "⤓")))
        return (f'  <td class="rank-cell">\n'
                f'    <form class="rank-form" method="post" action="{base}/rank" '
                f'hx-post="{base}/rank"\n          hx-target="#backlog-list" hx-swap="outerHTML" '
                f'hx-include="#backlog-filters">\n'
                f'      <input type="hidden" name="csrf_token" value="{self.csrf}">\n'
                f'      <input type="hidden" name="version" value="{version}">\n'
                f'      <input type="hidden" name="next" value="{self.list_url}">{buttons}\n'
                f'    </form>\n  </td>\n')

    def _edit_link(self, field, n, base, key) -> str:
        return (f' <a class="edit-link" id="edit-{field}-{n}" href="{base}#item-edit" '
                f'hx-get="{base}/fields/{field}" hx-target="closest tr" hx-swap="outerHTML">'
                f'{self.words.edit}<span class="visually-hidden"> '
                f'{self.words.with_key("edit_" + field, key)}</span></a>')

    @staticmethod
    def _invalid(n, error) -> str:
        return f' aria-invalid="true" aria-describedby="inline-error-{n}"' if error else ""

    def _inline_form(self, item, field, label, control, n, base, error) -> str:
        """The open field: its control with Save and Cancel (Cancel asks for the row again)."""
        message = f'\n  <p class="errors" id="inline-error-{n}">{error}</p>' if error else ""
        return (f'<form class="inline-edit" method="post" action="{base}/fields/{field}"\n'
                f'      hx-post="{base}/fields/{field}" hx-target="closest tr" '
                f'hx-swap="outerHTML">\n'
                f'  <input type="hidden" name="csrf_token" value="{self.csrf}">\n'
                f'  <input type="hidden" name="version" value="{item.version_id}">\n'
                f'  <label class="visually-hidden" for="inline-{field}-{n}">'
                f'{escape(label)}</label>\n'
                f'  {control}\n'
                f'  <button type="submit" class="button button--small button--primary">'
                f'{escape(_("Save"))}</button>\n'
                f'  <a class="button button--small js-inline-cancel" href="{self.index_url}"\n'
                f'     hx-get="{base}/row" hx-target="closest tr" hx-swap="outerHTML">'
                f'{escape(_("Cancel"))}</a>{message}\n</form>')


def _renderer(context) -> RowRenderer:
    return RowRenderer(context["project"], context.get("can_rank"), context.get("can_edit"),
                       item_base=context.get("item_base"), list_url=context.get("list_url"),
                       filters=context.get("filters"))


@pass_context
def backlog_rows(context, items) -> Markup:
    """A page of rows, as shown in the list (none open for editing)."""
    return Markup(_renderer(context).rows(items))


@pass_context
def backlog_row(context, item) -> Markup:
    """One row, with the field named by `editing` open and `error` shown, when given."""
    return Markup(_renderer(context).row(item, context.get("editing"), context.get("error"),
                                         context.get("members") or ()))
