"""My work across projects (/my) and each project's overview as a dashboard (/p/<KEY>/)."""
from flask import Blueprint
from flask_login import login_required

from app.my import pages
from app.projects.loaders import get_project_or_404

bp = Blueprint("my", __name__)


@bp.get("/my")
@login_required
def index():
    """What waits for me in every project I am a member of."""
    return pages.my_work_page()


@bp.get("/p/<key>/")
@login_required
def overview(key):
    """The project's dashboard: the active sprint, what waits for me, needs, decisions and
    recent activity."""
    return pages.overview_page(get_project_or_404(key))


@bp.get("/p/<key>/activity")
@login_required
def activity(key):
    """Older pages of the project's recent activity (a fragment for htmx, else a page)."""
    return pages.activity_page(get_project_or_404(key))
