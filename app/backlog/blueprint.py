"""The backlog's blueprint, shared by its route modules (routes, tidy_routes)."""
from flask import Blueprint

bp = Blueprint("backlog", __name__)
