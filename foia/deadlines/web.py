"""Deadline calculator, the request page's deadline actions, reminder settings and the iCal feed."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from foia.deadlines import rules
from foia.reminders import ical
from foia.reminders import services as reminders
from foia.deadlines.calendar import law_today
from foia.deadlines.forms import CalculatorForm, EstimateForm, ReminderSettingsForm, RemindForm
from foia.deadlines.laws import all_laws, get_law
from foia.errors import InvalidTransition, ValidationError
from foia.requests import lifecycle
from foia.requests.models import due_date_label
from foia.web.context import actor, db_session, now, runtime
from foia.web.forms import show_errors

bp = Blueprint("deadlines", __name__)


def _jurisdiction_choices() -> list[SelectChoice]:
    return [SelectChoice(slug, law.name) for slug, law in all_laws().items()]


@bp.get("/deadlines")
def calculator():
    form = CalculatorForm(request.args, meta={"csrf": False})
    form.jurisdiction.choices = [SelectChoice("", "Choose…"), *_jurisdiction_choices()]
    result = law = None
    if request.args and form.validate():
        try:
            law = get_law(form.jurisdiction.data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            result = rules.calculate(law, form.received.data, determination=form.determination.data,
                                     follow_up_days=runtime().config["FOLLOW_UP_DAYS"])
    elif not request.args:
        form.received.data = law_today(None, now())
    return render_template("deadlines/calculator.html", form=form, result=result, law=law)


def _request_action(request_id: int, form: FlaskForm, action, success: str):
    """Run one service for a form on the request page; a bad value is flashed and changes nothing."""
    session = db_session()
    if not form.validate():
        session.rollback()
        for name, errors in form.errors.items():
            flash(f"{form[name].label.text}: {errors[0]}", "error")
        return redirect(url_for("requests.detail", request_id=request_id) + "#deadlines")
    try:
        action(session)
    except (ValidationError, InvalidTransition) as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(success, "success")
    return redirect(url_for("requests.detail", request_id=request_id) + "#deadlines")


@bp.post("/requests/<int:request_id>/estimate")
@login_required
def estimate(request_id: int):
    form = EstimateForm(prefix="estimate")
    return _request_action(request_id, form, lambda session: lifecycle.record_estimate(
        session, actor(), request_id, form.on.data, form.until.data, now(), note=form.note.data or ""),
        "The agency's estimate is saved.")


@bp.post("/requests/<int:request_id>/reminder")
@login_required
def remind(request_id: int):
    form = RemindForm(prefix="remind")
    if form.action.data == "clear":
        return _request_action(request_id, FlaskForm(), lambda session: lifecycle.set_reminder(
            session, actor(), request_id, now()), "Reminder removed.")
    if form.validate() and form.on.data is None and form.weeks.data is None:
        flash("Give a date or a number of weeks.", "error")
        return redirect(url_for("requests.detail", request_id=request_id) + "#deadlines")
    return _request_action(request_id, form, lambda session: lifecycle.set_reminder(
        session, actor(), request_id, now(), on=form.on.data, weeks=form.weeks.data, note=form.note.data or ""),
        "Reminder set.")


@bp.app_template_global("due_date_label")
def due_date_label_global(name: str, **kwargs) -> str:
    """The one label table, for templates."""
    return due_date_label(name, **kwargs)


# Reminder settings and the iCal feed -------------------------------------------------------------

@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def reminder_settings():
    session = db_session()
    user = session.merge(actor())
    form = ReminderSettingsForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.kinds.data = [k for k in reminders.CHOOSABLE if k in reminders.wanted_kinds(user)]
    if form.validate_on_submit():
        try:
            reminders.update_preferences(session, user, kinds=form.kinds.data or [],
                                         days_ahead=form.remind_days_ahead.data, digest=form.reminder_digest.data)
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        else:
            session.commit()
            flash("Your reminder settings are saved.", "success")
            return redirect(url_for("deadlines.reminder_settings"))
    feed_url = (url_for("deadlines.ical_feed", token=user.ical_token, _external=False) if user.ical_token else None)
    if feed_url:
        feed_url = runtime().config["BASE_URL"] + feed_url
    return render_template("deadlines/reminder_settings.html", form=form, feed_url=feed_url,
                           hints=reminders.KIND_HINTS,
                           upcoming=reminders.upcoming(session, user))


@bp.post("/account/reminders/feed")
@login_required
def calendar_feed_token():
    session = db_session()
    user = session.merge(actor())
    if request.form.get("action") == "revoke":
        ical.revoke_token(session, user)
        session.commit()
        flash("Your calendar feed is turned off; its old address no longer works.", "success")
    else:
        ical.regenerate_token(session, user)
        session.commit()
        flash("Your calendar feed has a new secret address; the old one no longer works.", "success")
    return redirect(url_for("deadlines.reminder_settings") + "#feed")


@bp.get("/calendar/<token>.ics")
def ical_feed(token: str):
    session = db_session()
    user = ical.user_for_token(session, token)
    if user is None:
        abort(404)
    body = ical.feed(session, user, now(), runtime().config["BASE_URL"])
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="foia-due-dates.ics"',
                             "Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"})


@bp.app_template_global()
def reminder_kind_label(kind: str) -> str:
    """The words for a reminder kind."""
    return reminders.KIND_LABELS.get(kind, kind)
