"""Sending letters to agencies by email: the request itself, follow-ups and appeals; shown for editing first."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Regexp

from foia.agencies.models import Agency, Jurisdiction
from foia.agencies.services import open_suggestions
from foia.errors import DomainError, ValidationError
from foia.mail import outbound, outbox
from foia.mail.models import Message, OutboxMessage
from foia.deadlines.calendar import law_today
from foia.requests.access import get_workable_request
from foia.web.context import actor, db_session, now, runtime
from foia.web.forms import show_errors

bp = Blueprint("outbound", __name__)

HEADINGS = {"letter": "Send the request by email", "follow_up": "Follow-up letter", "appeal": "Appeal letter"}
SENT_MESSAGES = {
    "letter": "The request is queued for email to {to} and marked submitted; the clock has started.",
    "follow_up": "The follow-up letter is queued for email to {to}.",
    "appeal": "The appeal letter is queued for email to {to}. Record the appeal on the request once it is filed.",
}


class LetterForm(FlaskForm):
    to = StringField("To", validators=[DataRequired("Give the agency's email address."),
                                       Email("That is not an email address.", check_deliverability=False)])
    subject = StringField("Subject", validators=[DataRequired("Give a subject."),
                                                 Regexp(r"^[^\r\n]*$", message="Keep the subject on one line.")])
    body = TextAreaField("Letter", validators=[DataRequired("Write the letter before sending it.")])


def _compose(request_id: int, kind: str):
    session = db_session()
    foia_request = get_workable_request(session, actor(), request_id, now())
    agency = session.get(Agency, foia_request.agency_id)
    jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id)
    mail_from = runtime().config["MAIL_FROM"]
    form = LetterForm()
    waiting = outbound.waiting_draft(session, foia_request, kind) if kind != "letter" else None

    if request.method == "POST" and request.form.get("action") == "discard" and waiting is not None:
        if form.csrf_token.validate(form):
            outbound.resolve_waiting_draft(session, foia_request, kind, now())
            session.commit()
            flash("The drafted letter is discarded.", "info")
        return redirect(url_for("requests.detail", request_id=foia_request.id))

    if form.validate_on_submit():
        try:
            outbound.send_letter(session, actor(), foia_request, now(), mail_from=mail_from, kind=kind,
                                 body=form.body.data, subject=form.subject.data, to=form.to.data,
                                 daily_limit=runtime().config["DAILY_SEND_LIMIT"])
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        except DomainError as error:
            session.rollback()
            flash(str(error), "error")
            return redirect(url_for("requests.detail", request_id=foia_request.id))
        else:
            session.commit()
            flash(SENT_MESSAGES[kind].format(to=form.to.data), "success")
            return redirect(url_for("requests.detail", request_id=foia_request.id))
    elif request.method == "GET":
        if kind == "letter":
            form.to.data = foia_request.sent_to_email or agency.foia_email
            form.subject.data = outbound.subject_for("letter", foia_request)
            form.body.data = foia_request.letter_text or foia_request.records_sought
        elif waiting is not None:
            form.to.data = waiting.detail.get("to")
            form.subject.data = waiting.detail.get("subject")
            form.body.data = waiting.detail.get("body")
        else:
            draft = outbound.draft_letter(session, foia_request, kind, law_today(jurisdiction, now()))
            form.to.data, form.subject.data, form.body.data = draft.to, draft.subject, draft.body
    directory_changed = (foia_request.sent_to_email and agency.foia_email
                         and foia_request.sent_to_email.lower() != agency.foia_email.lower())
    return render_template("mail/compose.html", form=form, foia_request=foia_request, heading=HEADINGS[kind],
                           mail_from=mail_from, reply_to=outbound.reply_address(mail_from, foia_request.reply_token),
                           can_discard=waiting is not None, agency=agency,
                           directory_changed=directory_changed, suggestions=open_suggestions(session, agency))


@bp.route("/requests/<int:request_id>/send", methods=["GET", "POST"])
@login_required
def send_request(request_id: int):
    return _compose(request_id, "letter")


@bp.route("/requests/<int:request_id>/follow-up", methods=["GET", "POST"])
@login_required
def follow_up(request_id: int):
    return _compose(request_id, "follow_up")


@bp.route("/requests/<int:request_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal(request_id: int):
    return _compose(request_id, "appeal")


@bp.post("/requests/<int:request_id>/outbox/<int:outbox_id>/retry")
@login_required
def retry(request_id: int, outbox_id: int):
    session = db_session()
    foia_request = get_workable_request(session, actor(), request_id, now())
    row = session.get(OutboxMessage, outbox_id)
    message = session.get(Message, row.message_id) if row and row.message_id else None
    if message is None or message.request_id != foia_request.id:
        flash("There is no such email for this request.", "error")
    else:
        outbox.retry(session, row, now())
        session.commit()
        flash("The email is queued again.", "success")
    return redirect(url_for("requests.detail", request_id=foia_request.id))


class ApproveForm(FlaskForm):
    address = StringField("Address", validators=[DataRequired("Give the address."),
                                                 Email("That is not an email address.", check_deliverability=False)])
    note = StringField("Why (shown to admins)")


@bp.route("/mail/approved-addresses", methods=["GET", "POST"])
@login_required
def approved_addresses():
    """Admins: addresses letters may go to besides agencies' own and those that wrote to a request."""
    if not actor().is_admin:
        abort(404)
    session = db_session()
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            outbound.approve_address(session, actor(), form.address.data, form.note.data or "", now())
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        else:
            session.commit()
            flash(f"Letters may now go to {form.address.data}.", "success")
            return redirect(url_for("outbound.approved_addresses"))
    return render_template("mail/approved_addresses.html", form=form, rows=outbound.approved_addresses(session))


@bp.post("/mail/approved-addresses/<int:approved_id>/withdraw")
@login_required
def withdraw_approval(approved_id: int):
    if not actor().is_admin:
        abort(404)
    session = db_session()
    outbound.withdraw_approval(session, actor(), approved_id)
    session.commit()
    flash("Approval withdrawn.", "success")
    return redirect(url_for("outbound.approved_addresses"))
