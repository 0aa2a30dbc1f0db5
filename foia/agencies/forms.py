"""The agency form; the services do the real checking and the view shows their errors inline."""
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TelField, TextAreaField, URLField


class AgencyForm(FlaskForm):
    jurisdiction_id = SelectField("Jurisdiction", coerce=int, validate_choice=False,
                                  description="Whose public-records law applies: the state, or federal.")
    name = StringField("Name", render_kw={"autocomplete": "off"})
    abbreviation = StringField("Abbreviation", description="Optional, e.g. OPD.")
    foia_email = EmailField("FOIA email", description="Where requests are sent; replies are matched from it.")
    portal_url = URLField("Records portal", description="The agency's online request portal, if it has one.")
    phone = TelField("Phone")
    address = TextAreaField("Postal address", render_kw={"rows": 3})
    appeal_contact = TextAreaField("Appeal contact", render_kw={"rows": 3},
                                   description="Where appeals go, when it is not the records office.")
    notes = TextAreaField("Notes", render_kw={"rows": 4})
    closed_days = TextAreaField("Closure days", render_kw={"rows": 3, "placeholder": "2026-12-24 Christmas Eve"},
                                description="Days the agency is closed besides its law's holidays, one per line as "
                                            "“YYYY-MM-DD name”. Due dates counted after you save skip them.")

    def set_jurisdictions(self, jurisdictions) -> None:
        """Offer every jurisdiction, federal first."""
        self.jurisdiction_id.choices = [(0, "Choose…")] + [(j.id, j.name) for j in jurisdictions]

    def values(self) -> dict:
        """The submitted values, as the services take them."""
        return {name: self[name].data for name in ("jurisdiction_id", "name", "abbreviation", "foia_email",
                                                   "portal_url", "phone", "address", "appeal_contact", "notes",
                                                   "closed_days")}
