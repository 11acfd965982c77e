"""The public roadmap and its Atom feed: what a project plans and has delivered, for anyone.

Only public facts leave here: titles, desired outcomes, municipalities and months. No people,
no discovery notes, no internal rationale (a declined need appears only when its rationale was
marked public)."""
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.discovery.models import NeedStatus
from app.discovery.queries import (FEED_ENTRIES, ROADMAP_SECTIONS, roadmap_needs,
                                   roadmap_section_page, roadmap_sections)
from app.database import parse_int
from app.discovery.services import STATUS_LABELS
from app.extensions import db
from app.i18n import format_month
from app.markdown import render_markdown
from app.projects.models import Project
from app.web import external_url

MAX_PAGE = 10_000  # keeps OFFSET within every database's integer range
# The public roadmap has its own blueprint: it is the one part of a project anonymous visitors see.
roadmap_bp = Blueprint("roadmap", __name__)

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", ATOM)
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class PublishedRelease:
    """A released version as the public sees it: its name, when, and its notes (Markdown) in
    the reader's language."""

    anchor: str
    name: str
    released_at: datetime
    notes: str


# Areas above discovery publish their releases here (one query per call, however many):
# function(project) -> list[PublishedRelease], newest first. Discovery never imports them.
RELEASE_SOURCES: list[Callable[[object], list[PublishedRelease]]] = []


def register_release_source(source: Callable[[object], list[PublishedRelease]]) -> None:
    if source not in RELEASE_SOURCES:
        RELEASE_SOURCES.append(source)


def published_releases(project) -> list[PublishedRelease]:
    return [release for source in RELEASE_SOURCES for release in source(project)]


def _public_project_or_404(key: str) -> Project:
    """The project if it publishes its roadmap; 404 otherwise, for members and strangers alike."""
    project = db.session.scalar(select(Project).where(Project.key == key))
    if project is None or not project.is_roadmap_public:
        abort(404)
    return project


def delivery_month(need) -> str:
    """The month a need was delivered ("november 2026"), in the reader's language and time zone."""
    return format_month(need.delivered_at)


def _by_month(delivered):
    """Delivered needs (newest first) grouped by the month of delivery."""
    return [(month, list(group)) for month, group in groupby(delivered, key=delivery_month)]


def _public(response):
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@roadmap_bp.get("/roadmap/<key>")
def index(key):
    """The project's public roadmap: the newest planned, delivered and declined needs, or
    one of those sections a page at a time (?status=planned&page=2); no login needed."""
    project = _public_project_or_404(key)
    status = request.args.get("status")
    if status in ROADMAP_SECTIONS:
        page = min(parse_int(request.args.get("page"), 1) or 1, MAX_PAGE)
        section = roadmap_section_page(project, status, page)
        return _public(make_response(render_template(
            "roadmap/section.html", project=project, section=section,
            by_month=_by_month(section.needs), delivery_month=delivery_month)))
    sections = roadmap_sections(project)
    return _public(make_response(render_template(
        "roadmap/index.html", project=project, sections=sections,
        delivered=_by_month(sections[NeedStatus.DELIVERED].needs),
        delivery_month=delivery_month, releases=published_releases(project))))


def _text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def _iso(moment) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                            {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _summary(need) -> str:
    if need.status == NeedStatus.DELIVERED:
        state = _("Delivered %(month)s", month=delivery_month(need))
    else:
        state = str(STATUS_LABELS[need.status])
    parts = [state, _("Submitted by %(org)s", org=need.organisation.name)]
    if need.cosponsors:
        parts.append(_("Co-sponsored by %(orgs)s",
                       orgs=", ".join(sorted(c.organisation.name for c in need.cosponsors))))
    return " · ".join(parts)


def _entry(feed, need, page_url):
    entry = _sub(feed, "entry")
    anchor = f"{page_url}#need-{need.number}"
    _sub(entry, "id", anchor)
    _sub(entry, "title", f"#{need.number} {need.title}")
    _sub(entry, "updated", _iso(need.status_changed_at))
    _sub(entry, "published", _iso(need.created_at))
    _sub(entry, "link", rel="alternate", type="text/html", href=anchor)
    _sub(entry, "category", term=need.status, label=str(STATUS_LABELS[need.status]))
    _sub(entry, "summary", _summary(need))
    body = render_markdown(need.desired_outcome)
    if need.status == NeedStatus.DECLINED:
        body += render_markdown(need.status_rationale)
    _sub(entry, "content", str(body), type="html")


def _release_entry(feed, release: PublishedRelease, page_url):
    entry = _sub(feed, "entry")
    anchor = f"{page_url}#{release.anchor}"
    _sub(entry, "id", anchor)
    _sub(entry, "title", _("Released: %(name)s", name=release.name))
    _sub(entry, "updated", _iso(release.released_at))
    _sub(entry, "published", _iso(release.released_at))
    _sub(entry, "link", rel="alternate", type="text/html", href=anchor)
    _sub(entry, "category", term="release", label=_("Release"))
    _sub(entry, "content", str(render_markdown(release.notes)), type="html")


def _entries(feed, needs, releases, page_url) -> None:
    """The newest FEED_ENTRIES of the needs and releases together, newest first."""
    newest = sorted([(n.status_changed_at, n, _entry) for n in needs]
                    + [(r.released_at, r, _release_entry) for r in releases],
                    key=lambda e: e[0], reverse=True)[:FEED_ENTRIES]
    for _at, thing, write in newest:
        write(feed, thing, page_url)


@roadmap_bp.get("/roadmap/<key>/feed.atom")
def feed(key):
    """The public roadmap as an Atom feed: its newest entries."""
    project = _public_project_or_404(key)
    needs = roadmap_needs(project, limit=FEED_ENTRIES)
    page_url = external_url("roadmap.index", key=project.key)
    root = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: str(get_locale())})
    _sub(root, "id", page_url)
    _sub(root, "title", _("%(project)s – public roadmap", project=project.name))
    _sub(root, "subtitle", _("Needs the municipalities have planned and delivered together."))
    releases = published_releases(project)
    updated = max([*(n.status_changed_at for n in needs), *(r.released_at for r in releases)],
                  default=project.created_at)
    _sub(root, "updated", _iso(updated))
    _sub(root, "link", rel="self", type="application/atom+xml",
         href=external_url("roadmap.feed", key=project.key))
    _sub(root, "link", rel="alternate", type="text/html", href=page_url)
    _sub(_sub(root, "author"), "name", project.name)
    _sub(root, "generator", "Samspil")
    _entries(root, needs, releases, page_url)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    response = make_response(body)
    response.content_type = "application/atom+xml; charset=utf-8"
    return _public(response)
