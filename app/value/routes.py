"""Views of benefit realisation and needs coverage: the steering group's report (page, print
and CSV), one follow-up and its answer, and a municipality's own coverage."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.value import export, pages, queries, services
from app.value.forms import FollowUpForm
from app.value.permissions import can_answer_follow_up
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.web import redirect_with
from app.web.csv_export import csv_response, download_name, separator
from app.web.forms import submit

bp = Blueprint("value", __name__)


@bp.get("/p/<key>/value")
@login_required
def index(key):
    """Delivered needs with their expected and realised value, and the needs coverage."""
    project = get_project_or_404(key)
    return render_template("value/index.html", **pages.report_context(project))


@bp.get("/p/<key>/value.csv")
@login_required
def export_csv(key):
    """The benefit report as a CSV download: one line per municipality and follow-up."""
    project = get_project_or_404(key)
    sep = separator(request.args)
    return csv_response(export.header(), export.rows(queries.report(project)),
                        download_name(project.key, "value"), sep)


def _follow_up_page(project, follow_up, form, status=200):
    return render_template("value/follow_up.html", project=project, follow_up=follow_up,
                           form=form, can_answer=can_answer_follow_up(current_user, follow_up),
                           today=pages.local_today(), **pages.labels()), status


@bp.get("/p/<key>/value/follow-ups/<int:number>")
@login_required
def follow_up(key, number):
    """One follow-up: the need's expected value, and the municipality's answer or its form."""
    project = get_project_or_404(key)
    f = queries.get_follow_up_or_404(project, number)
    form = FollowUpForm(formdata=None, data={
        "realised_value": f.realised_value, "rating": f.rating, "measured_unit": f.measured_unit,
        "measured_value": pages.figure_text(f.measured_value)})
    return _follow_up_page(project, f, form)


@bp.post("/p/<key>/value/follow-ups/<int:number>")
@login_required
def answer(key, number):
    """Record the realised value (the follow-up's own municipality's product owners)."""
    project = get_project_or_404(key)
    f = queries.get_follow_up_or_404(project, number)
    require(can_answer_follow_up(current_user, f))
    form = FollowUpForm()
    outcome = submit(form, lambda: services.record_answer(f, current_user, services.Answer(
        form.realised_value.data, form.rating.data, form.measured_value.data or "",
        form.measured_unit.data or "")))
    if not outcome.ok:
        return _follow_up_page(project, queries.get_follow_up_or_404(project, number), form,
                               outcome.status)
    return redirect_with(_("The realised value is recorded."),
                         url_for("value.follow_up", key=project.key, number=f.id))


@bp.get("/my/coverage")
@login_required
def my_coverage():
    """My municipality's needs coverage in each of my projects, and its follow-ups."""
    return render_template("value/my_coverage.html", **pages.my_coverage_context(current_user))
