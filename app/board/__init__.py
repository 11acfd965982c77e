"""The board: a column per workflow status, card moves, WIP limits and live updates."""
from flask import Blueprint

bp = Blueprint("board", __name__)

from app.board import routes  # noqa: E402,F401
