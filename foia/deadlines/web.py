"""Placeholder pages of the deadlines domain; replaced as the domain is built."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("deadlines", __name__)


@bp.get("/deadlines")
def calculator():
    return render_template("web/placeholder.html", title="Deadlines")
