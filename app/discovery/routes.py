"""Views of requirement discovery: the needs list, a need's page and the actions on it."""
import hashlib
import json

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.backlog.models import ItemType
from app.discovery import bp, queries, services, tracing
from app.discovery.forms import (CoSponsorForm, EscalateForm, ItemFromNeedForm, LinkItemForm,
                                 NeedForm, NoteForm, StatusForm, WithdrawEscalationForm)
from app.discovery.loaders import get_need_or_404
from app.discovery.permissions import (acts_for_participating_municipality,
                                       can_add_discovery_note, can_change_need_status,
                                       can_cosponsor_needs, can_create_item_for_need,
                                       can_edit_need, can_escalate_need, can_link_items,
                                       can_submit_need)
from app.extensions import db
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.services import RuleViolation
from app.web import is_htmx, render_page_or_partial


def _announce(response, message: str):
    """Have samspil.js read the result out through the aria-live region."""
    response.headers["HX-Trigger"] = json.dumps({"samspil:announce": message})
    return response


def _attach(form, exc: RuleViolation, default_field: str) -> None:
    """Show a service's refusal beside the field it concerns."""
    field = getattr(form, exc.field or default_field, None) or getattr(form, default_field)
    field.errors = [*field.errors, exc.message]


def _submit_need_form(need, form, form_name: str, field: str, anchor: str, act):
    """A form on the need's page: when valid, `act()` runs the service and returns the
    message to flash, then the page is shown again at `anchor`; a refusal is shown beside
    `field` (422 for an invalid form, the rule's status otherwise) with nothing saved."""
    code = 422
    if form.validate_on_submit():
        try:
            message = act()
        except RuleViolation as exc:
            db.session.rollback()
            _attach(form, exc, field)
            code = exc.status
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(_need_url(need, anchor), 303)
    return _need_page(need, code, **{form_name: form})


def _need_url(need, anchor=None) -> str:
    return url_for("discovery.show", key=need.project.key, number=need.number, _anchor=anchor)


def _edit_token(need) -> str:
    """A fingerprint of the need's texts, to notice that someone else saved in the meantime."""
    texts = "\x1f".join(getattr(need, name) or "" for name in NeedForm.TEXT_FIELDS)
    return hashlib.sha256(texts.encode()).hexdigest()[:32]


def _status_form(need, form=None):
    form = form or StatusForm(formdata=None)
    choices = [(s, services.STATUS_LABELS[s]) for s in services.allowed_statuses(need)]
    form.status.choices = [("", _("Choose…")), *choices] if choices else []
    return form


def _cosponsor_context(need, form=None, error=None, show_form=False) -> dict:
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
        "show_cosponsor_form": show_form and may and mine is None and hint is None,
        "cosponsor_form": form or CoSponsorForm(formdata=None), "cosponsor_error": error,
    }


def _notes_context(need, form=None) -> dict:
    return {"need": need, "project": need.project, "notes": queries.notes_of(need),
            "can_note": can_add_discovery_note(current_user, need.project),
            "note_form": form or NoteForm(formdata=None)}


def _links_context(need, form=None) -> dict:
    project = need.project
    may_link = can_link_items(current_user, project)
    return {
        "linked_items": queries.linked_items(need),
        "can_link": may_link,
        "can_create_item": can_create_item_for_need(current_user, project),
        "link_form": form or LinkItemForm(formdata=None),
        "item_choices": queries.linkable_items(need) if may_link else [],
    }


def _need_page(need, status=200, cosponsor=None, notes_form=None, **forms):
    """The need's page; a refused action passes its form back to show the errors in place."""
    project = need.project
    context = {
        **_cosponsor_context(need, **(cosponsor or {})),
        **_notes_context(need, notes_form),
        "history": queries.history_of(need),
        "can_edit": can_edit_need(current_user, need),
        "can_change_status": can_change_need_status(current_user, project),
        "can_escalate": can_escalate_need(current_user, project),
        "status_form": _status_form(need, forms.get("status_form")),
        "escalate_form": forms.get("escalate_form") or EscalateForm(formdata=None),
        "withdraw_escalation_form": (forms.get("withdraw_escalation_form")
                                     or WithdrawEscalationForm(formdata=None)),
        **_links_context(need, forms.get("link_form")),
    }
    return render_template("discovery/show.html", **context), status


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
                      ("untouched", _("Oldest untouched"))],
        can_submit=can_submit_need(current_user, project),
        can_filter_ours=acts_for_participating_municipality(current_user, project))
    if is_htmx():
        _announce(response, ngettext("%(num)d need found.", "%(num)d needs found.", page.total))
    return response


@bp.route("/p/<key>/needs/new", methods=["GET", "POST"])
@login_required
def new(key):
    """Submit a need on behalf of my municipality."""
    project = get_project_or_404(key)
    require(can_submit_need(current_user, project))
    form = NeedForm()
    if form.validate_on_submit():
        try:
            need = services.create_need(project, current_user, **form.values())
        except RuleViolation as exc:
            db.session.rollback()
            _attach(form, exc, "title")
        else:
            db.session.commit()
            flash(_("Need #%(number)d is submitted.", number=need.number), "success")
            return redirect(_need_url(need), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("discovery/form.html", project=project, form=form, need=None), status


@bp.get("/p/<key>/needs/<int:number>")
@login_required
def show(key, number):
    """A need: its description, status, co-sponsors, discovery log, escalation and history."""
    return _need_page(get_need_or_404(key, number))


@bp.route("/p/<key>/needs/<int:number>/edit", methods=["GET", "POST"])
@login_required
def edit(key, number):
    """Edit a need's texts (its submitter, product owners and the secretariat)."""
    need = get_need_or_404(key, number)
    require(can_edit_need(current_user, need))
    form = NeedForm(obj=need)
    status = 200
    if form.is_submitted():
        status = 422
        db.session.refresh(need, with_for_update=True)  # hold off a simultaneous save
        if request.form.get("edit_token") != _edit_token(need):
            status = 409
            form.form_errors.append(_("Someone else saved changes to this need while you were "
                                      "editing. Open the need in a new tab, compare, and save "
                                      "again."))
        elif form.validate():
            try:
                changed = services.update_need(need, current_user, **form.values())
            except RuleViolation as exc:
                db.session.rollback()
                _attach(form, exc, "title")
            else:
                db.session.commit()
                flash(_("The need is saved.") if changed else _("Nothing was changed."), "success")
                return redirect(_need_url(need), 303)
    return render_template("discovery/form.html", project=need.project, form=form, need=need,
                           edit_token=_edit_token(need)), status


@bp.post("/p/<key>/needs/<int:number>/status")
@login_required
def change_status(key, number):
    """Move the need to another status (product owners and the secretariat)."""
    need = get_need_or_404(key, number)
    require(can_change_need_status(current_user, need.project))
    form = _status_form(need, StatusForm())
    code = 422
    if form.validate_on_submit():
        try:
            services.set_status(need, form.status.data, actor=current_user,
                                rationale=form.rationale.data,
                                rationale_public=form.is_rationale_public.data)
        except RuleViolation as exc:
            db.session.rollback()
            _attach(form, exc, "status")
            code = exc.status
        else:
            db.session.commit()
            flash(_("The need is now %(status)s.",
                    status=str(services.STATUS_LABELS[need.status]).lower()), "success")
            return redirect(_need_url(need, "status"), 303)
    return _need_page(need, code, status_form=_status_form(need, form))


def _cosponsor_response(need, status=200, message=None, **panel):
    """The co-sponsors panel for htmx; otherwise back to the need (or its page with the error)."""
    if is_htmx():
        response = make_response(render_template("discovery/_cosponsors.html",
                                                 **_cosponsor_context(need, **panel)), status)
        return _announce(response, message) if message else response
    if status < 400:
        flash(message, "success")
        return redirect(_need_url(need, "cosponsors"), 303)
    return _need_page(need, status, cosponsor=panel)


@bp.get("/p/<key>/needs/<int:number>/cosponsor")
@login_required
def cosponsor_form(key, number):
    """The co-sponsorship form: in place on the need's page for htmx, as its own page otherwise."""
    need = get_need_or_404(key, number)
    require(can_cosponsor_needs(current_user, need.project))
    return render_page_or_partial("discovery/cosponsor.html", "discovery/_cosponsors.html",
                                  **_cosponsor_context(need, show_form=True))


@bp.post("/p/<key>/needs/<int:number>/cosponsor")
@login_required
def cosponsor(key, number):
    """Co-sponsor the need on behalf of my municipality."""
    need = get_need_or_404(key, number)
    require(can_cosponsor_needs(current_user, need.project))
    form = CoSponsorForm()
    try:
        if not form.validate_on_submit():
            raise RuleViolation(_("Check the form: the note is too long."), "note")
        services.cosponsor(need, current_user, form.note.data or "",
                           form.is_willing_to_cofund.data, form.is_willing_to_test.data)
    except RuleViolation as exc:
        db.session.rollback()
        return _cosponsor_response(need, exc.status, form=form, error=exc.message,
                                   show_form=exc.field is not None)
    db.session.commit()
    return _cosponsor_response(
        need, message=_("%(org)s now co-sponsors this need.", org=current_user.organisation.name))


@bp.post("/p/<key>/needs/<int:number>/cosponsor/withdraw")
@login_required
def withdraw_cosponsorship(key, number):
    """Withdraw my municipality's co-sponsorship."""
    need = get_need_or_404(key, number)
    require(can_cosponsor_needs(current_user, need.project))
    try:
        services.withdraw_cosponsorship(need, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        return _cosponsor_response(need, exc.status, error=exc.message)
    db.session.commit()
    return _cosponsor_response(need, message=_("%(org)s no longer co-sponsors this need.",
                                               org=current_user.organisation.name))


@bp.post("/p/<key>/needs/<int:number>/notes")
@login_required
def add_note(key, number):
    """Add a dated note to the discovery log (any member)."""
    need = get_need_or_404(key, number)
    require(can_add_discovery_note(current_user, need.project))
    form = NoteForm()
    status, message = 422, None
    if form.validate_on_submit():
        try:
            services.add_note(need, current_user, form.kind.data, form.body.data,
                              form.occurred_on.data)
        except RuleViolation as exc:
            db.session.rollback()
            _attach(form, exc, "body")
            status = exc.status
        else:
            db.session.commit()
            status, message, form = 200, _("The note is added to the discovery log."), None
    if is_htmx():
        response = make_response(render_template("discovery/_notes.html",
                                                 **_notes_context(need, form)), status)
        return _announce(response, message) if message else response
    if message:
        flash(message, "success")
        return redirect(_need_url(need, "discovery-log"), 303)
    return _need_page(need, status, notes_form=form)


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
    return _submit_need_form(need, form, "escalate_form", "reason", "escalation", escalate_need)


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
    return _submit_need_form(need, form, "withdraw_escalation_form", "comment", "escalation",
                             withdraw)


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
        return _("%(key)s now serves this need.", key=item.key_in(need.project.key))
    return _submit_need_form(need, form, "link_form", "item", "linked-items", link)


@bp.post("/p/<key>/needs/<int:number>/items/<int:item_number>/unlink")
@login_required
def unlink_item(key, number, item_number):
    """Remove the link between the need and one of its items."""
    need = get_need_or_404(key, number)
    require(can_link_items(current_user, need.project))
    try:
        item = tracing.find_item(need.project, item_number)
        tracing.unlink_item(need, item, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _need_page(need, exc.status)
    message = _("%(key)s no longer serves this need.", key=item.key_in(need.project.key))
    db.session.commit()
    flash(message, "success")
    return redirect(_need_url(need, "linked-items"), 303)


def _item_draft(need) -> ItemFromNeedForm:
    """The new item's form, pre-filled from the need: its title, and the desired outcome with
    a link back to the need."""
    form = ItemFromNeedForm(formdata=None, type=ItemType.STORY.value)
    form.title.data = need.title
    label = _("Need #%(number)d", number=need.number)
    link = f"[{label}: {need.title}]({_need_url(need)})"
    form.description.data = need.desired_outcome + "\n\n" + _("Serves %(link)s.", link=link)
    return form


@bp.route("/p/<key>/needs/<int:number>/items/new", methods=["GET", "POST"])
@login_required
def new_item(key, number):
    """Create a backlog item pre-filled from the need, linked to it."""
    need = get_need_or_404(key, number)
    require(can_create_item_for_need(current_user, need.project))
    form = ItemFromNeedForm() if request.method == "POST" else _item_draft(need)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                item = tracing.create_item_for_need(need, current_user, form.title.data,
                                                    form.type.data, form.description.data or "")
            except RuleViolation as exc:
                db.session.rollback()
                _attach(form, exc, "title")
                status = exc.status
            else:
                message = _("%(key)s is created and serves this need.",
                            key=item.key_in(need.project.key))
                db.session.commit()
                flash(message, "success")
                return redirect(_need_url(need, "linked-items"), 303)
    return render_template("discovery/item_form.html", project=need.project, need=need,
                           form=form), status
