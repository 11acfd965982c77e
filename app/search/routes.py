"""The search page."""
from flask import Blueprint, request
from flask_login import current_user, login_required

from app.search import pages

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def index():
    """Search everything I may see; an exact key I may see goes straight to its item."""
    return pages.search_page(current_user, request.args)
