"""Deadline calculator, the request page's deadline panel, reminder settings and the iCal feed."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from foia.agencies.models import Agency, Jurisdiction
from foia.deadlines import ical, reminders, rules
from foia.errors import ValidationError
from foia.ports import local_date
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


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReminderSettingsForm(FlaskForm):
    kinds = MultiCheckboxField("Remind me about", choices=[SelectChoice(k, reminders.KIND_LABELS[k]) for k in reminders.KINDS],
                               validate_choice=True)
    remind_days_ahead = IntegerField("Business days ahead", validators=[
        InputRequired("Give a number of business days."), NumberRange(0, 30, "Choose between 0 and 30.")])
    reminder_digest = BooleanField("One digest email a day instead of single reminders")


def _jurisdiction_choices(session) -> list[SelectChoice]:
    rows = session.exec(select(Jurisdiction).order_by(Jurisdiction.level != "federal", Jurisdiction.name)).all()
    return [SelectChoice(j.slug, j.name) for j in rows]


@bp.get("/deadlines")
def calculator():
    session = db_session()
    form = CalculatorForm(request.args, meta={"csrf": False})
    form.jurisdiction.choices = [SelectChoice("", "Choose…"), *_jurisdiction_choices(session)]
    result = jurisdiction = None
    if request.args and form.validate():
        try:
            jurisdiction = rules.find_jurisdiction(session, form.jurisdiction.data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            result = rules.calculate(jurisdiction, form.received.data,
                                     follow_up_days=runtime().config["FOLLOW_UP_DAYS"])
    elif not request.args:
        form.received.data = local_date(now())
    return render_template("deadlines/calculator.html", form=form, result=result, jurisdiction=jurisdiction)


# The request page's panel ------------------------------------------------------------------------

@bp.app_template_global()
def deadline_panel(foia_request) -> dict:
    """What the request page's deadline panel shows: dates, explanations, overdue, drafts, mail trouble."""
    from foia.mail import outbound

    session = db_session()
    agency = session.get(Agency, foia_request.agency_id)
    jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id) if agency else None
    today = local_date(now(), jurisdiction.timezone if jurisdiction else "America/New_York")
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
        "can_appeal": status in ("partial", "rejected", "no_records", "done"),
        "waiting_draft": draft,
        "undelivered": outbound.undelivered_letters(session, foia_request),
    }


# Reminder settings and the iCal feed -------------------------------------------------------------

@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def reminder_settings():
    session = db_session()
    user = session.merge(actor())
    form = ReminderSettingsForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.kinds.data = sorted(reminders.wanted_kinds(user), key=reminders.KINDS.index)
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
                           upcoming=reminders.upcoming(session, user, local_date(now())))


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
