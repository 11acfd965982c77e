"""The kinds of things files can be attached to: each area registers its own containers.

This package sits below the areas and never imports one. An area says, for each kind it owns,
how to load a container of a project by id, with the same visibility rules as its own pages
(None when the current user may not see it, or it belongs to another project: the routes then
answer 404), who may attach to it, which page shows it, and what to write in its history::

    from app.attachments import Container, register_container

    register_container(Container(
        kind="need", label=_l("need"),
        load=lambda project, ident: ...,        # the need, or None
        may_attach=lambda user, need: ...,     # bool
        page_url=lambda need: url_for(...),
        record=lambda need, actor, action, attachment: ...))  # history; optional

`may_delete` is optional: by default the uploader (while still a member) and the secretariat
may delete an attachment.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Container:
    kind: str
    label: object  # a lazy string naming the kind ("need", "comment")
    load: Callable[[object, int], object | None]
    may_attach: Callable[[object, object], bool]
    page_url: Callable[[object], str]
    record: Callable[[object, object, str, object], None] | None = None
    may_delete: Callable[[object, object, object], bool] | None = None


_CONTAINERS: dict[str, Container] = {}


def register_container(container: Container) -> Container:
    """Make files attachable to `container.kind` (idempotent: apps may be created again)."""
    _CONTAINERS[container.kind] = container
    return container


def container_kind(kind: str) -> Container | None:
    return _CONTAINERS.get(kind)


def container_kinds() -> list[str]:
    return sorted(_CONTAINERS)
