"""Placeholder pages of the search domain; replaced as the domain is built."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def search():
    return render_template("web/placeholder.html", title="Search")
