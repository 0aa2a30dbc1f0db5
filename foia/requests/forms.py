"""Forms of the requests pages: new request, preview, submission, status, extension, fees, notes, edit."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from foia.requests.models import FeeWaiver, Status, SubmissionMethod, Visibility
from foia.web.forms import SensibleAmount, SensibleDate

VISIBILITY_LABELS = {
    Visibility.private.value: "Private: only me, the team I share it with, and admins",
    Visibility.public.value: "Public: anyone with the link can read it",
    Visibility.embargoed.value: "Embargoed: private until a date, public from then on",
}
METHOD_LABELS = {
    SubmissionMethod.email.value: "Email",
    SubmissionMethod.portal.value: "The agency's web portal",
    SubmissionMethod.mail.value: "Mail",
    SubmissionMethod.fax.value: "Fax",
    SubmissionMethod.in_person.value: "In person",
}
WAIVER_LABELS = {
    FeeWaiver.not_requested.value: "Not requested",
    FeeWaiver.requested.value: "Requested, no decision yet",
    FeeWaiver.granted.value: "Granted",
    FeeWaiver.denied.value: "Denied",
}


def choices(labels: dict) -> list[SelectChoice]:
    """Select options from a {value: label} mapping."""
    return [SelectChoice(value, label) for value, label in labels.items()]
MONEY = {"places": 2, "render_kw": {"inputmode": "decimal", "placeholder": "0.00"}}


#: What closing a request means, said before it is done (the confirmation page).
CLOSING_WORDS = {
    Status.withdrawn: "You no longer want these records. The agency's clock stops and the request cannot be "
                      "reopened here. Tell the agency too.",
    Status.done: "The agency has answered in full. Its clock stops; the time to appeal counts from that day.",
    Status.no_records: "The agency found no records. Its clock stops; the time to appeal counts from that day.",
    Status.rejected: "The agency refused the request. Its clock stops; the time to appeal counts from that day.",
}


def _int_or_none(value):
    if value in (None, "", "None", "0", 0):
        return None
    return int(value)


class SharingFields:
    """Visibility, embargo and team: shared by the new-request and edit forms."""

    visibility = RadioField("Who can see it", choices=choices(VISIBILITY_LABELS), default=Visibility.private.value)
    embargo_until = DateField("Embargoed until", validators=[Optional(), SensibleDate()],
                              description="Only for embargoed requests: the day it becomes public.")
    team_id = SelectField("Share with a team", coerce=_int_or_none, validators=[Optional()],
                          description="Members of the team see it and work on it with you.")


class NewRequestForm(SharingFields, FlaskForm):
    agency_ids = SelectMultipleField("Agencies", coerce=int, validate_choice=False,
                                     validators=[InputRequired(message="Choose at least one agency.")],
                                     description="One or several. Each agency gets its own request and letter; "
                                                 "several make a batch you can follow side by side.")
    title = StringField("Title", validators=[InputRequired(message="Give the request a short title."), Length(max=300)],
                        description="For you and your team, e.g. “Rekognition records, 2017–2018”.")
    records_sought = TextAreaField("Records sought",
                                   validators=[InputRequired(message="Describe the records you are asking for.")],
                                   description="Be specific: kinds of records, dates, people, key words.")
    fee_waiver = BooleanField("Ask for a fee waiver (disclosure is in the public interest)")
    expedited = BooleanField("Ask for expedited processing")
    max_fee = DecimalField("Maximum fee without asking me first ($)", validators=[Optional(), SensibleAmount()],
                           **MONEY)


class SubmitForm(FlaskForm):
    submitted_on = DateField("Date filed", validators=[InputRequired(message="Give the date you filed it."),
                                                       SensibleDate()])
    method = SelectField("How", choices=choices(METHOD_LABELS), default=SubmissionMethod.email.value)
    note = StringField("Note", validators=[Optional(), Length(max=2000)])


class BatchSubmitForm(FlaskForm):
    """Every draft of a batch filed the same day, the same way."""

    submitted_on = DateField("Date filed", validators=[InputRequired(message="Give the date you filed them."),
                                                       SensibleDate()])
    method = SelectField("How", choices=choices(METHOD_LABELS), default=SubmissionMethod.portal.value)
    note = StringField("Note", validators=[Optional(), Length(max=2000)])


class StatusForm(FlaskForm):
    status = SelectField("New status", choices=[], validators=[InputRequired(message="Choose the new status.")],
                         description="Only the changes that can follow the request's current status are offered.")
    on = DateField("Date it happened", validators=[InputRequired(message="Give the date."), SensibleDate()])
    note = TextAreaField("Note", validators=[Optional()], render_kw={"rows": 2})


class ExtensionForm(FlaskForm):
    on = DateField("Date of the agency's notice", validators=[InputRequired(message="Give the date."), SensibleDate()])
    until = DateField("New date the agency gave", validators=[Optional(), SensibleDate()],
                      description="Leave empty to extend by what the law allows.")
    note = StringField("Note", validators=[Optional(), Length(max=2000)])


class FeesForm(FlaskForm):
    fee_estimate = DecimalField("Agency's estimate ($)", validators=[Optional(), SensibleAmount()], **MONEY)
    fee_paid = DecimalField("Paid so far ($)", validators=[Optional(), SensibleAmount()], **MONEY)
    fee_waiver = SelectField("Fee waiver", choices=choices(WAIVER_LABELS))


class NoteForm(FlaskForm):
    text = TextAreaField("Add a note", validators=[InputRequired(message="Write something first.")],
                         render_kw={"rows": 3})


class LetterForm(FlaskForm):
    letter_text = TextAreaField("Letter", validators=[InputRequired(message="Write the letter.")],
                                render_kw={"class": "letter"})


class EditForm(SharingFields, FlaskForm):
    title = StringField("Title", validators=[InputRequired(message="Give the request a short title."), Length(max=300)])
    records_sought = TextAreaField("Records sought",
                                   validators=[InputRequired(message="Describe the records you are asking for.")])
    agency_tracking_number = StringField("Agency's tracking number", validators=[Optional(), Length(max=100)],
                                         description="The reference the agency gave the request, e.g. “PRR-2018-0113”.")
    max_fee = DecimalField("Maximum fee ($)", validators=[Optional(), SensibleAmount()], **MONEY)
    expedited = BooleanField("Expedited processing requested")
    auto_follow_up = BooleanField("Send follow-up letters to the agency automatically when it is late")
    notes = TextAreaField("Standing notes", validators=[Optional()], render_kw={"rows": 3},
                          description="Things to remember about this request; dated notes go on the timeline.")


class ConfirmForm(FlaskForm):
    """Withdraw and delete: a button and the CSRF token."""


def status_choices(statuses: list[Status]) -> list[SelectChoice]:
    """The status menu: nothing chosen at first, then the statuses in their lifecycle order."""
    return [SelectChoice("", "Choose…")] + [SelectChoice(status.value, status.label) for status in statuses]
