"""What the release pages show, built for the routes (which stay thin) and the item page's
definition-of-done panel."""
from flask import render_template, request
from flask_login import current_user

from app.discovery.queries import participating_municipalities
from app.releases import queries, services
from app.releases.forms import (DefinitionForm, DoneCheckForm, NotesForm, ReleaseForm,
                                SignOffForm, StateForm, VersionForm)
from app.releases.models import MAX_CRITERIA, ReleaseState
from app.releases.permissions import (can_check_done, can_edit_definition_of_done,
                                      can_manage_releases, can_override_acceptance,
                                      can_sign_off)

R = ReleaseState


def index_page(project, form=None, status=200):
    return render_template(
        "releases/index.html", project=project, releases=queries.releases_of(project),
        form=form or ReleaseForm(formdata=None), state_labels=services.STATE_LABELS,
        can_manage=can_manage_releases(current_user, project)), status


def _forms(release, form, section, tester) -> dict:
    """Each section's form: the refused one as posted, the others from the release."""
    version = str(release.version_id)
    forms = {
        "details": ReleaseForm(formdata=None, obj=release),
        "items": VersionForm(formdata=None),
        "testers": VersionForm(formdata=None),
        "notes": NotesForm(formdata=None, obj=release),
        "state": StateForm(formdata=None),
        "sign-off": SignOffForm(formdata=None, data={
            "decision": getattr(tester, "decision", None), "text": getattr(tester, "text", "")}),
    }
    for each in forms.values():
        each.version.data = version
    if form is not None and section in forms:
        form.version.data = version
        forms[section] = form
    return forms


def release_page(project, release, status=200, form=None, section=None, refusal=None):
    """The release page; after a refusal, the refused form as posted with its reason (the
    rollback expired the release, so it is read afresh)."""
    mine = getattr(current_user, "organisation_id", None)
    tester = services.tester_of(release, mine)
    return render_template(
        "releases/show.html", project=project, release=release,
        forms=_forms(release, form, section, tester), section=section, refusal=refusal,
        needs=services.delivered_needs(release),
        candidates=services.candidate_items(project, release) if release.state == R.PLANNED
        else [],
        municipalities=participating_municipalities(project),
        suggested=services.suggested_testers(release),
        willing=set(services.willing_testers(release)),
        explanations=queries.explanations(release), checked=queries.checked_items(release),
        transitions=services.TRANSITIONS[release.state], state_labels=services.STATE_LABELS,
        sign_off_labels=services.SIGN_OFF_LABELS, my_tester=tester,
        can_manage=can_manage_releases(current_user, project),
        can_override=can_override_acceptance(current_user, project),
        may_sign=tester is not None and can_sign_off(current_user, project, mine)
        and release.state == R.IN_TEST), status


def definition_page(project, form=None, status=200):
    criteria = services.definition_of_done(project)
    if form is None:
        form = DefinitionForm(formdata=None, data={"criteria": "\n".join(criteria)})
    return render_template(
        "releases/definition.html", project=project, criteria=criteria, form=form,
        can_edit=can_edit_definition_of_done(current_user, project)), status


def posted_answers(formdata) -> list[services.Answer]:
    """The checklist as posted: row n names its point (criterion-n), whether it is met
    (met-n) and the explanation (explanation-n)."""
    answers = []
    for n in range(1, MAX_CRITERIA + 2):
        criterion = formdata.get(f"criterion-{n}")
        if criterion is None:
            break
        answers.append(services.Answer(criterion, formdata.get(f"met-{n}") == "1",
                                       formdata.get(f"explanation-{n}", "")))
    return answers


def done_panel(project, item) -> dict:
    """The item page's definition of done: the project's points with the vendor's answers."""
    checks = services.checks_of(item)
    criteria = services.definition_of_done(project)
    answers = {c.position: c for c in checks}
    return {"criteria": criteria, "checks": checks, "answers": answers,
            "form": DoneCheckForm(formdata=None),
            "can_check": can_check_done(current_user, project)
            and item.status in ("in_progress", "review", "acceptance")}


def done_refused(project, item, message, status=422):
    """The item's checklist again with the refusal and the answers as posted."""
    return render_template(
        "releases/check_done.html", project=project, item=item, done_message=message,
        done_posted=request.form, **done_panel(project, item)), status
