"""What the import pages show: the upload forms, the previews with their mappings, and the
answer to an import."""
from flask import render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from app.backlog.forms import STATUS_LABELS, TYPE_LABELS
from app.imports import items, needs, services, uploads
from app.imports.sources import GITHUB, JIRA
from app.services import RuleViolation
from app.web import attempt, redirect_with

SOURCE_LABELS = {JIRA: "Jira", GITHUB: "GitHub"}


def _answer(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def items_form(project, refusal: RuleViolation | None = None, form=None):
    form = form or {}
    return _answer("imports/items_upload.html", refusal.status if refusal else 200,
                   project=project, error=refusal.message if refusal else None,
                   source=form.get("source", JIRA), site=form.get("site", ""),
                   sources=SOURCE_LABELS)


def _items_plan(project, upload, form):
    source = services.items_source(upload)
    return items.plan_items(project, upload.options.get("source", GITHUB), source, form)


def items_preview(project, upload, form=None, refusal: RuleViolation | None = None):
    try:
        plan = _items_plan(project, upload, form)
    except RuleViolation as exc:  # the file was read at upload; a lower limit since refuses it
        return items_form(project, exc)
    return _answer("imports/items_preview.html", refusal.status if refusal else 200,
                   project=project, upload=upload, plan=plan, source=SOURCE_LABELS.get(
                       plan.source, ""), statuses=list(STATUS_LABELS.items()),
                   types=list(TYPE_LABELS.items()), status_labels=STATUS_LABELS,
                   type_labels=TYPE_LABELS, error=refusal.message if refusal else None,
                   skip_refused=bool(form and form.get("skip_refused") == "yes"))


def items_imported(project, upload, form):
    try:
        plan = _items_plan(project, upload, form)
    except RuleViolation as exc:
        return items_form(project, exc)
    outcome = attempt(lambda: items.import_items(
        project, current_user, plan, form.get("skip_refused") == "yes", upload.filename))
    if not outcome.ok:
        return items_preview(project, upload, form, outcome.refusal)
    uploads.discard(upload.token)
    count = len(outcome.value)
    message = ngettext("%(num)d item imported at the bottom of the backlog.",
                       "%(num)d items imported at the bottom of the backlog.", count)
    if plan.skipped:
        message += " " + ngettext("%(num)d was already there and was skipped.",
                                  "%(num)d were already there and were skipped.", plan.skipped)
    return redirect_with(message, url_for("backlog.index", key=project.key))


def needs_form(project, refusal: RuleViolation | None = None):
    return _answer("imports/needs_upload.html", refusal.status if refusal else 200,
                   project=project, error=refusal.message if refusal else None)


def _needs_plan(project, upload, form):
    header, rows = services.read_sheet(upload.data)
    return needs.plan_needs(project, header, rows, form)


def needs_preview(project, upload, form=None, refusal: RuleViolation | None = None):
    try:
        plan = _needs_plan(project, upload, form)
    except RuleViolation as exc:
        return needs_form(project, exc)
    return _answer("imports/needs_preview.html", refusal.status if refusal else 200,
                   project=project, upload=upload, plan=plan, fields=needs.FIELDS,
                   required=needs.REQUIRED, error=refusal.message if refusal else None,
                   skip_refused=bool(form and form.get("skip_refused") == "yes"))


def needs_imported(project, upload, form):
    try:
        plan = _needs_plan(project, upload, form)
    except RuleViolation as exc:
        return needs_form(project, exc)
    outcome = attempt(lambda: needs.import_needs(
        project, current_user, plan, form.get("skip_refused") == "yes", upload.filename))
    if not outcome.ok:
        return needs_preview(project, upload, form, outcome.refusal)
    uploads.discard(upload.token)
    message = ngettext("%(num)d need imported.", "%(num)d needs imported.", len(outcome.value))
    if plan.skipped:
        message += " " + ngettext("%(num)d was already there and was skipped.",
                                  "%(num)d were already there and were skipped.", plan.skipped)
    return redirect_with(message, url_for("discovery.index", key=project.key))
