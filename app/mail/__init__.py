"""Outgoing e-mail: SMTP in production, `.eml` files in an outbox folder in development."""
from flask import Blueprint

bp = Blueprint("mail", __name__)

from app.mail import routes  # noqa: E402,F401
