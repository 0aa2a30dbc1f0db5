"""Placeholder pages of the mail domain; replaced as the domain is built."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("mail", __name__)


@bp.get("/inbox")
@login_required
def inbox():
    return render_template("web/placeholder.html", title="Inbox")
