"""The markup of board cards. A board may hold a thousand cards, and a Jinja macro call per
card cost ~18 ms of a 1,000-card board (of ~55 ms in all); the same markup written here costs
~3 ms. This module is the single source of a card's markup: `board/_cell.html` calls
`cards_html` for the cards of a cell.

Everything a person typed (title, assignee's name, blocked and rejection reasons) and every
translated word is escaped, and the title and name are isolated (dir="auto", <bdi>) so that
their direction cannot reorder the card's other words; the rest are numbers and the fixed item
types and statuses."""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import get_locale, ngettext
from markupsafe import Markup, escape

from app.backlog.display import type_label
from app.backlog.models import ItemType, Status
from app.backlog.services import format_points
from app.web import KeptMarkup, words_by_language


@dataclass(frozen=True)
class CardWords:
    """The cards' translated words in one language, looked up and escaped once per process
    and language (a thousand cards would otherwise make thousands of gettext calls), as
    `RowWords` does for backlog rows. Points and need counts are looked up as they come."""

    types: dict
    unassigned: Markup
    blocked: Markup
    move_to: Markup
    sent_back: dict  # the status a card was sent back from -> "Rejected" or "Reopened"

    @classmethod
    def now(cls) -> "CardWords":
        """The words in the language of the request."""
        return cls(types={t.value: escape(type_label(t)) for t in ItemType},
                   unassigned=escape(_("Unassigned")), blocked=escape(_("Blocked")),
                   move_to=escape(_("Move to…")),
                   sent_back={Status.ACCEPTANCE: escape(_("Rejected")),
                              Status.DONE: escape(_("Reopened"))})

    @staticmethod
    def points(estimate) -> Markup:
        return escape(_("%(points)s pt", points=format_points(estimate)))

    @staticmethod
    def needs(count: int) -> Markup:
        return escape(ngettext("%(num)d need", "%(num)d needs", count))


_words = words_by_language(CardWords.now)

# Cards whose markup is kept, per process: a card's markup is a function of its row (everything
# it shows, version included), whether it may move, the language and the project's addresses;
# the boards people keep open are read again on every refresh and by everyone on the project.
# Measured on the bench's 1,000-card board: 251 cards took 2.2 ms to write, 0.3 ms to find.
_CARDS = KeptMarkup(4096)


def card_html(card, movable: bool, locale: str, item_base: str, key_prefix: str) -> str:
    """One card's markup, kept (see _CARDS): its row's values are part of the key, as a plain
    tuple (a database row compares and hashes itself in Python: a fifth of the board's lookups
    went into that)."""
    return _CARDS.get((tuple(card), movable, locale, item_base, key_prefix),
                      lambda: _card_html(card, movable, locale, item_base, key_prefix))


def _card_html(card, movable: bool, locale: str, item_base: str, key_prefix: str) -> str:
    """One card (a row of `card_columns`) in the language `locale` of the request: its key
    and title linking to the item, type, points, assignee, blocked badge, how many needs it
    serves, and the "Move to…" menu link when the card may be moved."""
    w = _words(locale)
    n = card.number
    href = f"{item_base}{n}"
    key = f"{key_prefix}{n}"
    blocked = card.is_blocked
    # Rejected (or reopened) and not moved since: the reason is in the link's name, so it is
    # heard with the card, and in the badge's tooltip.
    sent_back = w.sent_back.get(card.sent_back_from)
    why = f"{sent_back}: {escape(card.sent_back_reason or '')}" if sent_back else ""
    heard = f'<span class="visually-hidden">. {why}</span>' if sent_back else ""
    parts = [
        f'<li class="card card--{card.type}{" card--blocked" if blocked else ""}'
        f'{" card--sent-back" if sent_back else ""}" id="card-{n}"\n'
        f'    data-id="{card.id}" data-number="{n}" data-version="{card.version_id}">\n'
        f'  <a class="card__link js-item-dialog" id="card-link-{n}" href="{href}">'
        f'<span class="card__key">{key}</span> <span class="card__title" dir="auto">'
        f'{escape(card.title)}</span>{heard}</a>\n'
        f'  <p class="card__meta"><span class="type type--{card.type}">{w.types[card.type]}</span>']
    if sent_back:
        parts.append(f' <span class="badge badge--warn card__sent-back" title="{why}" '
                     f'aria-hidden="true">{sent_back}</span>')
    if card.estimate is not None:
        parts.append(f' <span class="card__points">{w.points(card.estimate)}</span>')
    assignee = f"<bdi>{escape(card.assignee_name)}</bdi>" if card.assignee_name else w.unassigned
    parts.append(f'\n    <span class="card__assignee">{assignee}</span>')
    if blocked:
        parts.append(f'\n    <span class="badge badge--danger" '
                     f'title="{escape(card.blocked_reason)}">{w.blocked}</span>')
    parts.append(f'\n    <span class="card__needs">{w.needs(card.need_count)}</span></p>')
    if movable:
        parts.append(f'\n  <a class="card__move js-move-menu" href="{href}/move" '
                     f'aria-expanded="false">{w.move_to}<span class="visually-hidden"> {key}'
                     f'</span></a>')
    parts.append("\n</li>")
    return "".join(parts)


def cards_renderer(item_base: str, key_prefix: str):
    """`cards_html(cards, movable)` for the templates of one board (`cards`: rows of
    `card_columns`)."""
    base, prefix = str(escape(item_base)), str(escape(key_prefix))
    locale = str(get_locale())

    def cards_html(cards, movable) -> Markup:
        movable = bool(movable)
        return Markup("".join(card_html(card, movable, locale, base, prefix) for card in cards))
    return cards_html
