"""Placeholder pages of the requests domain; replaced as the domain is built."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("requests", __name__)


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("web/placeholder.html", title="Dashboard")


@bp.get("/requests")
@login_required
def list_requests():
    return render_template("web/placeholder.html", title="Requests")
