"""/healthz for monitors, and the System page for admins: jobs, queues, and whether mail goes out."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required

from foia.db import ping
from foia.system import services
from foia.web.context import actor, db_session, now, runtime

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz():
    """200 {"status": "ok"} only when the database answers and every periodic job ran on time; else 503."""
    try:
        ping(runtime().engine)
        healthy, body = services.health(db_session(), now())
    except Exception as error:  # any database failure means "not healthy"
        return {"status": "error", "detail": f"the database does not answer ({type(error).__name__})"}, 503
    return body, 200 if healthy else 503


@bp.get("/admin/system")
@login_required
def status():
    if not actor().is_admin:
        abort(404)
    session = db_session()
    return render_template("system/status.html", jobs=services.job_health(session, now()),
                           queues=services.queues(session, now()), config=runtime().config,
                           scheduler_here=runtime().config["SCHEDULER_ENABLED"])
