"""What the pages of requirement discovery show: a need's page with its panels, and the answers
to the actions on it."""
from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.backlog.models import Tombstone, item_key
from app.discovery import queries, services
from app.discovery.forms import (CoSponsorForm, EscalateForm, LinkItemForm, NoteForm, StatusForm,
                                 WithdrawEscalationForm)
from app.discovery.permissions import (can_add_discovery_note, can_change_need_status,
                                       can_cosponsor_needs, can_create_item_for_need,
                                       can_delete_needs, can_edit_need, can_escalate_need,
                                       can_link_items)
from app.extensions import db
from app.i18n import format_moment
from app.projects.services import participation_of
from app.web import (error_page, htmx_answer, is_htmx, redirect_with, render_page_or_partial,
                     suggestion_options)


def need_url(need, anchor=None) -> str:
    return url_for("discovery.show", key=need.project.key, number=need.number, _anchor=anchor)


def status_form(need, form=None):
    form = form or StatusForm(formdata=None)
    choices = [(s, services.STATUS_LABELS[s]) for s in services.allowed_statuses(need)]
    form.status.choices = [("", _("Choose…")), *choices] if choices else []
    return form


def cosponsor_context(need, form=None, error=None, show_form=False) -> dict:
    org = current_user.organisation
    cosponsors = queries.cosponsors_of(need)
    mine = next((c for c in cosponsors if c.organisation_id == org.id), None)
    may = can_cosponsor_needs(current_user, need.project)
    hint = None
    if may and mine is None:
        if need.organisation_id == org.id:
            hint = _("%(org)s submitted this need.", org=org.name)
        elif need.status in services.CLOSED:
            hint = _("The need is closed to new co-sponsors.")
    return {
        "need": need, "project": need.project, "cosponsors": cosponsors,
        "my_cosponsorship": mine, "my_organisation": org, "cosponsor_hint": hint,
        "may_cosponsor": may and mine is None and hint is None,
        "may_withdraw": may and mine is not None,
        "show_cosponsor_form": show_form and may and (mine is not None or hint is None),
        # Editing starts from what my municipality said before.
        "cosponsor_form": form or CoSponsorForm(formdata=None, obj=mine),
        "cosponsor_error": error,
    }


def cosponsoring_refused(need):
    """Why the current user cannot co-sponsor needs, on the co-sponsoring page (403): a vendor
    opening it learns that only municipalities do, not just "not allowed"."""
    org = current_user.organisation
    if not org.is_municipality:
        reason = _("Only municipalities can co-sponsor needs.")
    elif participation_of(need.project, org.id) is None:
        reason = _("%(org)s does not take part in the project.", org=org.name)
    else:
        reason = _("Only product owners and contributors can co-sponsor needs on behalf of "
                   "their municipality.")
    return render_page_or_partial("discovery/cosponsor.html", "discovery/_cosponsors.html", 403,
                                  **cosponsor_context(need, error=reason))


def notes_context(need, form=None) -> dict:
    return {"need": need, "project": need.project, "notes": queries.notes_of(need),
            "can_note": can_add_discovery_note(current_user, need.project),
            "note_form": form or NoteForm(formdata=None)}


def links_context(need, form=None) -> dict:
    project = need.project
    may_link = can_link_items(current_user, project)
    return {
        "linked_items": queries.linked_items(need),
        "can_link": may_link,
        "can_create_item": can_create_item_for_need(current_user, project),
        "link_form": form or LinkItemForm(formdata=None),
        "item_options": suggestion_options(
            (item_key(project.key, number), title)
            for number, title in queries.linkable_items(need)) if may_link else "",
    }


def _status_decision(history) -> str:
    """The title of the steering group decision that set the need's current status, if one
    did (history is newest first)."""
    latest = next((c for c in history if c.field == "status"), None)
    return (latest.params or {}).get("decision", "") if latest else ""


def need_page(need, status=200, cosponsor=None, notes_form=None, **forms):
    """The need's page; a refused action passes its form back to show the errors in place."""
    project = need.project
    history = queries.history_of(need)
    context = {
        **cosponsor_context(need, **(cosponsor or {})),
        **notes_context(need, notes_form),
        "history": history,
        "status_decision": _status_decision(history),
        "can_edit": can_edit_need(current_user, need),
        "can_delete": can_delete_needs(current_user, need.project),
        "can_change_status": can_change_need_status(current_user, project),
        "can_escalate": can_escalate_need(current_user, project),
        "status_form": status_form(need, forms.get("status_form")),
        "escalate_form": forms.get("escalate_form") or EscalateForm(formdata=None),
        "withdraw_escalation_form": (forms.get("withdraw_escalation_form")
                                     or WithdrawEscalationForm(formdata=None)),
        **links_context(need, forms.get("link_form")),
    }
    return render_template("discovery/show.html", **context), status


def need_form_done(need, form, form_name: str, anchor: str, outcome):
    """After a form on the need's page: back to the page at `anchor` with the outcome, or the
    page with the form and its errors (nothing saved)."""
    if outcome.ok:
        return redirect_with(outcome.value, need_url(need, anchor))
    return need_page(need, outcome.status, **{form_name: form})


def cosponsors_answer(need, outcome, form=None):
    """The co-sponsors panel for htmx; otherwise back to the need (or its page with the error)."""
    panel = {} if outcome.ok else {
        "error": outcome.refusal.message, "form": form,
        "show_form": form is not None and outcome.refusal.field is not None}
    if is_htmx():
        return htmx_answer("discovery/_cosponsors.html", outcome.status,
                           announce=outcome.value if outcome.ok else None,
                           **cosponsor_context(need, **panel))
    if outcome.ok:
        return redirect_with(outcome.value, need_url(need, "cosponsors"))
    return need_page(need, outcome.status, cosponsor=panel)


def notes_answer(need, form, outcome):
    """After adding a note: the discovery log (htmx) or the need's page."""
    if is_htmx():
        return htmx_answer("discovery/_notes.html", outcome.status,
                           announce=outcome.value if outcome.ok else None,
                           **notes_context(need, None if outcome.ok else form))
    if outcome.ok:
        return redirect_with(outcome.value, need_url(need, "discovery-log"))
    return need_page(need, outcome.status, notes_form=form)


def archive_done(need, outcome, message: str):
    """After archiving or restoring a need: its page with the outcome, or the reason (409)."""
    if outcome.ok:
        return redirect_with(message, need_url(need))
    return error_page(outcome.status, _("Nothing was changed"), outcome.refusal.message)


def delete_confirmation(need, form, status: int = 200):
    """The page that asks to type the need's number before deleting it for good."""
    return render_template("discovery/delete.html", project=need.project, need=need,
                           form=form), status


def missing(project, number: int):
    """No such need: 410 saying who deleted it and when if it was deleted, else 404."""
    tombstone = db.session.scalar(select(Tombstone).where(
        Tombstone.project_id == project.id, Tombstone.kind == "need",
        Tombstone.number == number))
    if tombstone is None:
        abort(404)
    return error_page(410, _("Need %(ref)s was deleted", ref=tombstone.reference), _(
        "Need %(ref)s “%(title)s” was deleted by %(name)s on %(when)s.",
        ref=tombstone.reference, title=tombstone.title,
        name=tombstone.deleted_by_label or _("someone"),
        when=format_moment(tombstone.deleted_at)))
