"""Deadline calculator, the request page's deadline panel, reminder settings and the iCal feed."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, widgets)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines import ical, reminders, rules
from foia.errors import InvalidTransition, ValidationError
from foia.requests import services as request_services
from foia.requests.models import Status, due_date_label
from foia.deadlines.calendar import law_today
from foia.deadlines.laws import all_laws, get_law
from foia.web.context import actor, db_session, now, runtime
from foia.web.forms import SensibleDate, show_errors

bp = Blueprint("deadlines", __name__)


class CalculatorForm(FlaskForm):
    """Jurisdiction and receipt date; a GET form that changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    jurisdiction = SelectField("Law (jurisdiction)", validators=[InputRequired("Choose a jurisdiction.")])
    received = DateField("Day the agency received the request",
                         validators=[InputRequired("Give the date the agency received the request."), SensibleDate()])
    determination = DateField("Day of the agency's decision (optional)", validators=[Optional(), SensibleDate()],
                              description="To see the last day to appeal it.")


class EstimateForm(FlaskForm):
    """The agency's own estimated completion date, from its letter."""

    on = DateField("Date of the agency's letter", validators=[InputRequired("Give the date of the letter."), SensibleDate()])
    until = DateField("It expects to finish by", validators=[Optional(), SensibleDate()],
                      description="Leave empty to remove the estimate.")
    note = StringField("Note", validators=[Optional(), Length(max=500)])


class RemindForm(FlaskForm):
    """"Remind me on a date" or "in N weeks", on any request."""

    on = DateField("Remind me on", validators=[Optional(), SensibleDate()])
    weeks = IntegerField("or in this many weeks",
                         validators=[Optional(), NumberRange(1, 104, "Choose between 1 and 104.")])
    note = StringField("What about", validators=[Optional(), Length(max=500)])
    action = HiddenField(default="set")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReminderSettingsForm(FlaskForm):
    kinds = MultiCheckboxField("Remind me about", choices=[SelectChoice(k, reminders.KIND_LABELS[k]) for k in reminders.CHOOSABLE],
                               validate_choice=True)
    remind_days_ahead = IntegerField("Business days ahead", validators=[
        InputRequired("Give a number of business days."), NumberRange(0, 30, "Choose between 0 and 30.")])
    reminder_digest = BooleanField("One digest email a day instead of single reminders")


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


# The request page's panel ------------------------------------------------------------------------

@bp.app_template_global()
def deadline_panel(foia_request) -> dict:
    """What the request page's deadline panel shows: dates, explanations, overdue, drafts."""
    from foia.mail import outbound

    session = db_session()
    agency = session.get(Agency, foia_request.agency_id)
    jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id) if agency else None
    today = law_today(jurisdiction, now())
    items = rules.due_items(foia_request, today)
    status = foia_request.status.value
    draft = outbound.waiting_draft(session, foia_request, "follow_up")
    return {
        "today": today,
        "items": items,
        "overdue": any(item["overdue"] for item in items),
        "agency": agency,
        "jurisdiction": jurisdiction,
        "can_email": status == "draft" and bool(agency and agency.foia_email),
        "can_follow_up": status in ("submitted", "acknowledged", "partial", "appealing"),
        "can_appeal": outbound.appeal_ground(foia_request, today) is not None,
        "waiting_draft": draft,
        "estimate_form": EstimateForm(prefix="estimate", formdata=None,
                                      data={"on": today, "until": foia_request.estimated_completion}),
        "remind_form": RemindForm(prefix="remind", formdata=None, data={"on": foia_request.remind_on,
                                                                        "note": foia_request.remind_note}),
        "can_estimate": foia_request.status not in (Status.draft, Status.withdrawn),
    }


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
    return _request_action(request_id, form, lambda session: request_services.record_estimate(
        session, actor(), request_id, form.on.data, form.until.data, now(), note=form.note.data or ""),
        "The agency's estimate is saved.")


@bp.post("/requests/<int:request_id>/reminder")
@login_required
def remind(request_id: int):
    form = RemindForm(prefix="remind")
    if form.action.data == "clear":
        return _request_action(request_id, FlaskForm(), lambda session: request_services.set_reminder(
            session, actor(), request_id, now()), "Reminder removed.")
    if form.validate() and form.on.data is None and form.weeks.data is None:
        flash("Give a date or a number of weeks.", "error")
        return redirect(url_for("requests.detail", request_id=request_id) + "#deadlines")
    return _request_action(request_id, form, lambda session: request_services.set_reminder(
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
