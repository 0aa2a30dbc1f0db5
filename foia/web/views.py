"""The home page and the health check."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from foia.db import ping
from foia.web.context import runtime

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("requests.dashboard"))
    return render_template("web/index.html")


@bp.get("/healthz")
def healthz():
    try:
        ping(runtime().engine)
    except Exception as error:  # any database failure means "not healthy"
        return {"status": "error", "detail": type(error).__name__}, 503
    return {"status": "ok"}
