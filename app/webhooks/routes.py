"""The pages of a project's webhooks: list, register, change, delete, the delivery log,
redeliver and ping. Secretariat, delivery leads and site administrators only."""
from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.projects.loaders import get_in_project_or_404, get_project_or_404
from app.projects.permissions import require
from app.web import attempt, redirect_with, submit
from app.webhooks import bp, services
from app.webhooks.forms import EndpointForm
from app.webhooks.models import WebhookEndpoint
from app.webhooks.permissions import can_manage_webhooks


def _project(key):
    project = get_project_or_404(key)
    require(can_manage_webhooks(current_user, project))
    return project


def _endpoint(key, number):
    project = _project(key)
    return project, get_in_project_or_404(WebhookEndpoint, project, number)


def _values(form: EndpointForm) -> tuple:
    return form.url.data, form.events.data, form.description.data, form.is_active.data


@bp.get("/p/<key>/webhooks")
@login_required
def index(key):
    """The project's webhook endpoints."""
    project = _project(key)
    return render_template("webhooks/index.html", project=project,
                           endpoints=services.endpoints_of(project))


@bp.route("/p/<key>/webhooks/new", methods=["GET", "POST"])
@login_required
def new(key):
    """Register an endpoint; its secret is shown this once."""
    project = _project(key)
    form = EndpointForm()
    if not form.is_submitted():
        return render_template("webhooks/form.html", project=project, form=form)
    outcome = submit(form, lambda: services.create_endpoint(project, current_user,
                                                            *_values(form)), field="url")
    if not outcome.ok:
        return render_template("webhooks/form.html", project=project, form=form), outcome.status
    endpoint, secret = outcome.value
    return render_template("webhooks/secret.html", project=project, endpoint=endpoint,
                           secret=secret), 201


@bp.get("/p/<key>/webhooks/<int:number>")
@login_required
def show(key, number):
    """An endpoint and its delivery log (the last 100 deliveries)."""
    project, endpoint = _endpoint(key, number)
    return render_template("webhooks/show.html", project=project, endpoint=endpoint,
                           deliveries=services.deliveries_of(endpoint))


@bp.route("/p/<key>/webhooks/<int:number>/edit", methods=["GET", "POST"])
@login_required
def edit(key, number):
    """Change an endpoint's address, events, description or whether it is active."""
    project, endpoint = _endpoint(key, number)
    form = EndpointForm(obj=endpoint)
    if not form.is_submitted():
        return render_template("webhooks/form.html", project=project, form=form,
                               endpoint=endpoint)
    outcome = submit(form, lambda: services.update_endpoint(endpoint, current_user,
                                                            *_values(form)), field="url")
    if not outcome.ok:
        return render_template("webhooks/form.html", project=project, form=form,
                               endpoint=endpoint), outcome.status
    return redirect_with(_("The webhook is saved."),
                         url_for("webhooks.show", key=key, number=number))


@bp.get("/p/<key>/webhooks/<int:number>/delete")
@login_required
def confirm_delete(key, number):
    """Ask before deleting an endpoint and its log."""
    project, endpoint = _endpoint(key, number)
    return render_template("webhooks/delete.html", project=project, endpoint=endpoint)


@bp.post("/p/<key>/webhooks/<int:number>/delete")
@login_required
def delete(key, number):
    """Delete an endpoint and its delivery log."""
    endpoint = _endpoint(key, number)[1]
    attempt(lambda: services.delete_endpoint(endpoint, current_user))
    return redirect_with(_("The webhook is deleted."), url_for("webhooks.index", key=key))


@bp.post("/p/<key>/webhooks/<int:number>/secret")
@login_required
def replace_secret(key, number):
    """Give the endpoint a new signing secret, shown this once."""
    project, endpoint = _endpoint(key, number)
    outcome = attempt(lambda: services.new_secret(endpoint, current_user))
    return render_template("webhooks/secret.html", project=project, endpoint=endpoint,
                           secret=outcome.value)


@bp.post("/p/<key>/webhooks/<int:number>/ping")
@login_required
def ping(key, number):
    """Queue a ping to the endpoint."""
    endpoint = _endpoint(key, number)[1]
    attempt(lambda: services.ping(endpoint, current_user))
    return redirect_with(_("A ping is queued; it is sent within a minute."),
                         url_for("webhooks.show", key=key, number=number))


@bp.post("/p/<key>/webhooks/<int:number>/deliveries/<int:delivery_id>/redeliver")
@login_required
def redeliver(key, number, delivery_id):
    """Send a delivery again, with the same body and id."""
    endpoint = _endpoint(key, number)[1]
    delivery = services.delivery_of(endpoint, delivery_id)
    if delivery is None:
        abort(404)
    outcome = attempt(lambda: services.redeliver(delivery, current_user))
    if not outcome.ok:
        return redirect_with(outcome.refusal.message,
                             url_for("webhooks.show", key=key, number=number), "error")
    return redirect_with(_("The delivery is queued again."),
                         url_for("webhooks.show", key=key, number=number))
