"""Placeholder pages of the agencies domain; replaced as the domain is built."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("agencies", __name__)


@bp.get("/agencies")
def list_agencies():
    return render_template("web/placeholder.html", title="Agencies")


@bp.get("/jurisdictions")
def list_jurisdictions():
    return render_template("web/placeholder.html", title="Laws")
