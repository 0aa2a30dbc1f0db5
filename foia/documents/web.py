"""Placeholder pages of the documents domain; replaced as the domain is built."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("documents", __name__)


@bp.get("/documents")
@login_required
def list_documents():
    return render_template("web/placeholder.html", title="Documents")
