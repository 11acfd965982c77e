"""Views of requirement discovery: the needs list, a need's page and the actions on it."""
from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.backlog.models import ItemType, item_key
from app.discovery import export, pages, queries, services, tracing
from app.discovery.forms import (CoSponsorForm, DeleteNeedForm, EscalateForm, ItemFromNeedForm,
                                 LinkItemForm, NeedForm, NoteForm, StatusForm,
                                 WithdrawEscalationForm)
from app.discovery.loaders import get_need_or_404
from app.discovery.permissions import (acts_for_participating_municipality,
                                       can_add_discovery_note, can_change_need_status,
                                       can_cosponsor_needs, can_create_item_for_need,
                                       can_delete_needs, can_edit_need, can_escalate_need,
                                       can_link_items, can_submit_need)
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.services import RuleViolation
from app.web import (add_triggers, attempt, is_htmx, redirect_with, render_page_or_partial, submit,
                     template_globals)
from app.web.csv_export import csv_response, download_name, separator

bp = Blueprint("discovery", __name__)


@template_globals(bp)
def discovery_helpers():
    return {
        "need_field_label": lambda name: services.FIELD_LABELS.get(name, name),
        "need_text_fields": services.FIELD_LABELS.keys(),
        "need_status_label": lambda status: services.STATUS_LABELS.get(status, status),
        "note_kind_label": lambda kind: services.NOTE_KIND_LABELS.get(kind, kind),
    }


@bp.get("/p/<key>/needs")
@login_required
def index(key):
    """All needs of the project, filtered, sorted and searched from the URL."""
    project = get_project_or_404(key)
    filters = queries.NeedFilters.from_args(request.args)
    page = queries.list_needs(project, filters, current_user.organisation_id)
    response = render_page_or_partial(
        "discovery/index.html", "discovery/_results.html", project=project, results=page,
        filters=filters, municipalities=queries.participating_municipalities(project),
        status_options=list(services.STATUS_LABELS.items()),
        sort_options=[("newest", _("Newest")), ("cosponsors", _("Most co-sponsored")),
                      ("untouched", _("Oldest untouched"))]
        + ([("score", _("Highest evaluation"))] if queries.evaluates_needs(project) else []),
        can_submit=can_submit_need(current_user, project),
        can_filter_ours=acts_for_participating_municipality(current_user, project))
    if is_htmx():
        add_triggers(response, ngettext("%(num)d need found.", "%(num)d needs found.",
                                        page.total))
    return response


@bp.get("/p/<key>/needs.csv")
@login_required
def export_csv(key):
    """The needs list under the page's filters and sort as a CSV download (all pages)."""
    project = get_project_or_404(key)
    sep = separator(request.args)
    filters = queries.NeedFilters.from_args(request.args)
    return csv_response(export.header(),
                        export.rows(project, filters, current_user.organisation_id),
                        download_name(project.key, "needs"), sep)


@bp.route("/p/<key>/needs/new", methods=["GET", "POST"])
@login_required
def new(key):
    """Submit a need on behalf of my municipality."""
    project = get_project_or_404(key)
    require(can_submit_need(current_user, project))
    form = NeedForm()
    if not form.is_submitted():
        return render_template("discovery/form.html", project=project, form=form, need=None)
    outcome = submit(form, lambda: services.create_need_once(
        form.idempotency_key.data, project, current_user, **form.values()), field="title")
    if not outcome.ok:
        return render_template("discovery/form.html", project=project, form=form,
                               need=None), outcome.status
    need = outcome.value
    return redirect_with(_("Need #%(number)d is submitted.", number=need.number),
                         pages.need_url(need))


@bp.get("/p/<key>/needs/<int:number>")
@login_required
def show(key, number):
    """A need: its description, status, co-sponsors, discovery log, escalation and history.
    A deleted need's address answers 410 with who deleted it."""
    project = get_project_or_404(key)
    need = queries.need_by_number(project, number)
    if need is None:
        return pages.missing(project, number)
    return pages.need_page(need)


@bp.route("/p/<key>/needs/<int:number>/edit", methods=["GET", "POST"])
@login_required
def edit(key, number):
    """Edit a need's texts (its submitter, product owners and the secretariat)."""
    need = get_need_or_404(key, number)
    require(can_edit_need(current_user, need))
    form = NeedForm(obj=need)
    outcome = None
    if form.is_submitted():
        outcome = submit(form, lambda: services.update_need(
            need, current_user, expected_token=request.form.get("edit_token", ""),
            **form.values()))  # a refusal of the whole form shows above it
        if outcome.ok:
            return redirect_with(_("The need is saved.") if outcome.value
                                 else _("Nothing was changed."), pages.need_url(need))
    return render_template("discovery/form.html", project=need.project, form=form, need=need,
                           edit_token=services.edit_token(need)), outcome.status if outcome else 200


@bp.post("/p/<key>/needs/<int:number>/archive")
@login_required
def archive(key, number):
    """Archive a need (whoever may edit it): off the list, restorable."""
    need = get_need_or_404(key, number)
    require(can_edit_need(current_user, need))
    outcome = attempt(lambda: services.archive_need(need, current_user))
    return pages.archive_done(need, outcome, _("Need #%(number)d is archived.", number=number))


@bp.post("/p/<key>/needs/<int:number>/restore")
@login_required
def restore(key, number):
    """Bring an archived need back to the needs list."""
    need = get_need_or_404(key, number)
    require(can_edit_need(current_user, need))
    outcome = attempt(lambda: services.restore_need(need, current_user))
    return pages.archive_done(need, outcome, _("Need #%(number)d is back on the list.",
                                               number=number))


@bp.get("/p/<key>/needs/<int:number>/delete")
@login_required
def confirm_delete(key, number):
    """The page that asks to type the need's number before deleting it for good."""
    need = get_need_or_404(key, number)
    require(can_delete_needs(current_user, need.project))
    return pages.delete_confirmation(need, DeleteNeedForm(formdata=None))


@bp.post("/p/<key>/needs/<int:number>/delete")
@login_required
def delete(key, number):
    """Delete an archived need for good (the secretariat); a tombstone remains."""
    need = get_need_or_404(key, number)
    require(can_delete_needs(current_user, need.project))
    project, form = need.project, DeleteNeedForm()
    outcome = submit(form, lambda: services.delete_need(need, current_user,
                                                        form.confirmation.data),
                     field="confirmation")
    if not outcome.ok:
        return pages.delete_confirmation(need, form, outcome.status)
    return redirect_with(_("Need #%(number)d is deleted for good.", number=number),
                         url_for("discovery.index", key=project.key, archived="1"))


@bp.post("/p/<key>/needs/<int:number>/status")
@login_required
def change_status(key, number):
    """Move the need to another status (product owners and the secretariat)."""
    need = get_need_or_404(key, number)
    require(can_change_need_status(current_user, need.project))
    form = pages.status_form(need, StatusForm())

    def change():
        services.set_status(need, form.status.data, actor=current_user,
                            rationale=form.rationale.data,
                            rationale_public=form.is_rationale_public.data)
        return _("The need is now %(status)s.",
                 status=str(services.STATUS_LABELS[need.status]).lower())
    outcome = submit(form, change, field="status")
    return pages.need_form_done(need, pages.status_form(need, form), "status_form", "status",
                                outcome)


@bp.get("/p/<key>/needs/<int:number>/cosponsor")
@login_required
def cosponsor_form(key, number):
    """The co-sponsorship form: in place on the need's page for htmx, as its own page otherwise;
    to whoever may not co-sponsor, the reason why (403)."""
    need = get_need_or_404(key, number)
    if not can_cosponsor_needs(current_user, need.project):
        return pages.cosponsoring_refused(need)
    return render_page_or_partial("discovery/cosponsor.html", "discovery/_cosponsors.html",
                                  **pages.cosponsor_context(need, show_form=True))


@bp.post("/p/<key>/needs/<int:number>/cosponsor")
@login_required
def cosponsor(key, number):
    """Co-sponsor the need on behalf of my municipality."""
    need = get_need_or_404(key, number)
    if not can_cosponsor_needs(current_user, need.project):
        return pages.cosponsoring_refused(need)
    form = CoSponsorForm()

    def cosponsor_need():
        if not form.validate_on_submit():
            raise RuleViolation(_("Check the form: the note is too long."), "note")
        services.cosponsor(need, current_user, form.note.data or "",
                           form.is_willing_to_cofund.data, form.is_willing_to_test.data)
        return _("%(org)s now co-sponsors this need.", org=current_user.organisation.name)
    return pages.cosponsors_answer(need, attempt(cosponsor_need), form)


@bp.post("/p/<key>/needs/<int:number>/cosponsor/edit")
@login_required
def update_cosponsorship(key, number):
    """Change my municipality's note and willingness without withdrawing the co-sponsorship."""
    need = get_need_or_404(key, number)
    if not can_cosponsor_needs(current_user, need.project):
        return pages.cosponsoring_refused(need)
    form = CoSponsorForm()

    def update():
        if not form.validate_on_submit():
            raise RuleViolation(_("Check the form: the note is too long."), "note")
        services.update_cosponsorship(need, current_user, form.note.data or "",
                                      form.is_willing_to_cofund.data, form.is_willing_to_test.data)
        return _("The co-sponsorship of %(org)s is saved.", org=current_user.organisation.name)
    return pages.cosponsors_answer(need, attempt(update), form)


@bp.post("/p/<key>/needs/<int:number>/cosponsor/withdraw")
@login_required
def withdraw_cosponsorship(key, number):
    """Withdraw my municipality's co-sponsorship."""
    need = get_need_or_404(key, number)
    require(can_cosponsor_needs(current_user, need.project))

    def withdraw():
        services.withdraw_cosponsorship(need, current_user)
        return _("%(org)s no longer co-sponsors this need.", org=current_user.organisation.name)
    return pages.cosponsors_answer(need, attempt(withdraw))


@bp.post("/p/<key>/needs/<int:number>/notes")
@login_required
def add_note(key, number):
    """Add a dated note to the discovery log (any member)."""
    need = get_need_or_404(key, number)
    require(can_add_discovery_note(current_user, need.project))
    form = NoteForm()

    def note():
        services.add_note(need, current_user, form.kind.data, form.body.data,
                          form.occurred_on.data)
        return _("The note is added to the discovery log.")
    return pages.notes_answer(need, form, submit(form, note, field="body"))


@bp.post("/p/<key>/needs/<int:number>/escalate")
@login_required
def escalate(key, number):
    """Escalate the need to the steering group's "for decision" queue."""
    need = get_need_or_404(key, number)
    require(can_escalate_need(current_user, need.project))
    form = EscalateForm()

    def escalate_need():
        services.escalate(need, current_user, form.reason.data)
        return _("The need is escalated to the steering group.")
    outcome = submit(form, escalate_need, field="reason")
    return pages.need_form_done(need, form, "escalate_form", "escalation", outcome)


@bp.post("/p/<key>/needs/<int:number>/escalation/withdraw")
@login_required
def withdraw_escalation(key, number):
    """Take the need out of the steering group's queue."""
    need = get_need_or_404(key, number)
    require(can_escalate_need(current_user, need.project))
    form = WithdrawEscalationForm()

    def withdraw():
        services.withdraw_escalation(need, current_user, form.comment.data)
        return _("The escalation is withdrawn.")
    outcome = submit(form, withdraw, field="comment")
    return pages.need_form_done(need, form, "withdraw_escalation_form", "escalation", outcome)


@bp.post("/p/<key>/needs/<int:number>/items")
@login_required
def link_item(key, number):
    """Link a backlog item of the project to the need (by its number, e.g. OVB-12)."""
    need = get_need_or_404(key, number)
    require(can_link_items(current_user, need.project))
    form = LinkItemForm()

    def link():
        item = tracing.find_item(need.project, form.item.data)
        tracing.link_item(need, item, current_user)
        return _("%(key)s now serves this need.", key=item_key(need.project.key, item.number))
    outcome = submit(form, link, field="item")
    return pages.need_form_done(need, form, "link_form", "linked-items", outcome)


@bp.post("/p/<key>/needs/<int:number>/items/<int:item_number>/unlink")
@login_required
def unlink_item(key, number, item_number):
    """Remove the link between the need and one of its items."""
    need = get_need_or_404(key, number)
    require(can_link_items(current_user, need.project))

    def unlink():
        item = tracing.find_item(need.project, item_number)
        tracing.unlink_item(need, item, current_user)
        return _("%(key)s no longer serves this need.",
                 key=item_key(need.project.key, item.number))
    outcome = attempt(unlink)
    if not outcome.ok:
        flash(outcome.refusal.message, "error")
        return pages.need_page(need, outcome.status)
    return redirect_with(outcome.value, pages.need_url(need, "linked-items"))


def _item_draft(need) -> ItemFromNeedForm:
    """The new item's form, pre-filled from the need: its title, and the desired outcome with
    a link back to the need."""
    form = ItemFromNeedForm(formdata=None, type=ItemType.STORY.value)
    form.title.data = need.title
    label = _("Need #%(number)d", number=need.number)
    link = f"[{label}: {need.title}]({pages.need_url(need)})"
    form.description.data = need.desired_outcome + "\n\n" + _("Serves %(link)s.", link=link)
    return form


@bp.route("/p/<key>/needs/<int:number>/items/new", methods=["GET", "POST"])
@login_required
def new_item(key, number):
    """Create a backlog item pre-filled from the need, linked to it."""
    need = get_need_or_404(key, number)
    require(can_create_item_for_need(current_user, need.project))
    if request.method == "GET":
        return render_template("discovery/item_form.html", project=need.project, need=need,
                               form=_item_draft(need))
    form = ItemFromNeedForm()

    def create():
        item = tracing.create_item_for_need(need, current_user, form.title.data, form.type.data,
                                            form.description.data or "")
        return _("%(key)s is created and serves this need.",
                 key=item_key(need.project.key, item.number))
    outcome = submit(form, create, field="title")
    if not outcome.ok:
        return render_template("discovery/item_form.html", project=need.project, need=need,
                               form=form), outcome.status
    return redirect_with(outcome.value, pages.need_url(need, "linked-items"))
