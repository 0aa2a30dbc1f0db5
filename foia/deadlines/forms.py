"""The deadline forms: the calculator, the agency's estimate, "remind me", reminder settings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, widgets)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from foia.reminders import services as reminders
from foia.web.forms import SensibleDate


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
