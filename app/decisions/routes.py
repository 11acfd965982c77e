"""Views of the decision log: the queue, the log with its search, recording, one decision."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.database import utcnow
from app.decisions import export, queries, services
from app.decisions.forms import DecisionRecordForm, RecordingForm, decision_choices
from app.decisions.permissions import can_record_decision
from app.discovery.services import STATUS_LABELS
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.services import RuleViolation
from app.web import (add_triggers, attach_refusal, attempt, is_htmx, redirect_with,
                     render_page_or_partial, template_globals)
from app.web.csv_export import csv_response, download_name, separator
from app.web.forms import submit

bp = Blueprint("decisions", __name__)


@template_globals(bp)
def decision_helpers():
    return {"decisions_of_need": queries.decisions_of_need,
            "decision_type_label": lambda kind: services.TYPE_LABELS.get(kind, kind),
            "decision_state_label": lambda state: services.STATE_LABELS.get(state, state),
            "decision_outcome_label": lambda outcome: services.OUTCOME_LABELS.get(outcome,
                                                                                  outcome)}


def _queue(project, formdata=None) -> list[dict]:
    """The escalated needs with the recorder's outcome fields, as posted or at their defaults."""
    rows = []
    for need in queries.waiting_needs(project):
        n = need.number
        statuses = services.approval_statuses(need)
        posted = formdata is not None
        rows.append({
            "need": need,
            "outcome": (formdata.get(f"outcome-{n}", "") if posted else ""),
            "status": (formdata.get(f"status-{n}", "") if posted
                       else services.default_approval_status(need)),
            "rationale": (formdata.get(f"rationale-{n}", "") if posted else ""),
            "status_choices": [("", _("Keep the status (%(status)s)",
                                      status=str(STATUS_LABELS[need.status]).lower()))]
                              + [(s, STATUS_LABELS[s]) for s in statuses],
        })
    return rows


def _choices(queue) -> list[services.OutcomeChoice]:
    return [services.OutcomeChoice(row["need"], row["outcome"], row["status"], row["rationale"])
            for row in queue if row["outcome"]]


def _index(project, form=None, queue=None, errors=None, status=200):
    """The decisions page: the queue, the recording form and the log (or, for htmx, the log)."""
    log = queries.decision_log(project, queries.search_term(request.args),
                               queries.page_number(request.args))
    if form is None:
        form = RecordingForm(formdata=None, data={"decided_on": utcnow().date(),
                                                  "state": "accepted"})
        form.supersedes.choices = decision_choices(project)
    response = render_page_or_partial(
        "decisions/index.html", "decisions/_log.html", status, project=project, log=log,
        queue=queue if queue is not None else _queue(project), form=form,
        errors=errors or {}, can_record=can_record_decision(current_user, project))
    if is_htmx():
        add_triggers(response, ngettext("%(num)d decision found.", "%(num)d decisions found.",
                                        log.total))
    return response


@bp.get("/p/<key>/decisions")
@login_required
def index(key):
    """The "for decision" queue, the form to record a decision, and the searchable log."""
    return _index(get_project_or_404(key))


@bp.get("/p/<key>/decisions.csv")
@login_required
def export_csv(key):
    """The decision log under the page's search as a CSV download (all pages)."""
    project = get_project_or_404(key)
    sep = separator(request.args)
    return csv_response(export.header(),
                        export.rows(project, queries.search_term(request.args)),
                        download_name(project.key, "decisions"), sep)


@bp.post("/p/<key>/decisions")
@login_required
def record(key):
    """Record a decision of the steering group (steering members and the secretariat)."""
    project = get_project_or_404(key)
    require(can_record_decision(current_user, project))
    form = RecordingForm()
    form.supersedes.choices = decision_choices(project)
    queue = _queue(project, request.form)
    if not form.validate_on_submit():
        return _index(project, form, queue, status=422)
    outcome = attempt(lambda: services.record_decision(
        project, current_user, decided_on=form.decided_on.data, title=form.title.data,
        text=form.text.data or "", needs=services.resolve_needs(project, form.need_numbers.data),
        items=services.resolve_items(project, form.item_numbers.data), outcomes=_choices(queue),
        fields=_record_fields(project, form)))
    if not outcome.ok:
        return _refused(project, form, outcome.refusal)
    return redirect_with(_("The decision is recorded."), url_for(
        "decisions.show", key=project.key, decision_id=outcome.value.id))


def _record_fields(project, form) -> services.RecordFields:
    return services.RecordFields(
        form.decision_type.data or None, form.state.data or "accepted",
        form.consequences.data or "",
        tuple(services.resolve_decisions(project, form.supersedes.data)))


def _refused(project, form, refusal: RuleViolation):
    """The page again with the service's reason beside the field it concerns (a need's outcome
    in the queue is no form field); nothing saved."""
    errors = {}
    if refusal.field and refusal.field not in form:
        errors[refusal.field] = refusal.message
    else:
        attach_refusal(form, refusal)
    # The rollback expired the needs; read the queue and the posted choices afresh.
    return _index(project, form, _queue(project, request.form), errors, status=refusal.status)


@bp.get("/p/<key>/decisions/<int:decision_id>")
@login_required
def show(key, decision_id):
    """One decision of the log, with the needs and items it concerns and its outcomes."""
    project = get_project_or_404(key)
    decision = queries.get_decision_or_404(project, decision_id)
    return _show(project, decision, _record_form(project, decision))


def _record_form(project, decision, formdata=None) -> DecisionRecordForm:
    form = DecisionRecordForm(formdata=formdata, data={
        "decision_type": decision.decision_type or "",
        "state": "accepted" if decision.state == "superseded" else decision.state,
        "consequences": decision.consequences,
        "supersedes": [d.id for d in decision.supersedes]})
    form.supersedes.choices = decision_choices(project, exclude=decision)
    return form


def _show(project, decision, form, status=200):
    return render_template("decisions/show.html", project=project, decision=decision,
                           record_form=form,
                           can_record=can_record_decision(current_user, project)), status


@bp.post("/p/<key>/decisions/<int:decision_id>/record")
@login_required
def update_record(key, decision_id):
    """Change a decision's type, state, consequences and what it supersedes."""
    project = get_project_or_404(key)
    decision = queries.get_decision_or_404(project, decision_id)
    require(can_record_decision(current_user, project))
    form = _record_form(project, decision, request.form)
    outcome = submit(form, lambda: services.update_record(
        decision, current_user, _record_fields(project, form)))
    if not outcome.ok:
        decision = queries.get_decision_or_404(project, decision_id)
        return _show(project, decision, form, outcome.status)
    return redirect_with(_("The decision record is saved."), url_for(
        "decisions.show", key=project.key, decision_id=decision.id))
