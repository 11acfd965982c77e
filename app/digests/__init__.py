"""Digests: scheduled status e-mails per user and project, their archive and subscriptions."""
from flask import Blueprint

bp = Blueprint("digests", __name__)

from app.digests import routes, sections  # noqa: E402,F401
