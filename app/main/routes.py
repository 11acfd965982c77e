import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select, text
from sqlalchemy.orm import contains_eager

from app.extensions import csrf, db, limiter
from app.observability import exposition
from app.projects.models import Membership, Project

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    """My projects, with my roles in each."""
    memberships = db.session.scalars(
        select(Membership)
        .join(Membership.project)
        .where(Membership.user_id == current_user.id)
        .options(contains_eager(Membership.project))  # from the join: one round trip
        .order_by(Project.name)
    ).all()
    other_projects = []
    if current_user.is_site_admin:
        mine = {m.project_id for m in memberships}
        other_projects = [p for p in db.session.scalars(select(Project).order_by(Project.name))
                          if p.id not in mine]
    return render_template("main/index.html", memberships=memberships,
                           other_projects=other_projects)


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """Liveness and database check for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/metrics")
@limiter.exempt
@csrf.exempt
def metrics():
    """Prometheus metrics, for the holder of METRICS_TOKEN only (unset: no such page)."""
    token = current_app.config.get("METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if not token:
        abort(404)
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response("", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = exposition()
    return Response(body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"})
