"""Letters name the jurisdiction's law, citation and clock, and carry the paragraphs asked for."""
from __future__ import annotations

from datetime import date

from foia import rendering
from foia.requests import letters

TODAY = date(2026, 3, 2)


def render(make, slug, **facts):
    requester = make.user(display_name="Jacob Snow", signature="ACLU of Northern California\n39 Drumm Street")
    agency = make.agency("Some Agency", jurisdiction=slug, address="100 S Hughey Ave\nOrlando, FL 32801")
    fields = dict(title="Rekognition", records_sought="All emails mentioning Rekognition.", fee_waiver=False,
                  expedited=False, max_fee_cents=None)
    fields.update(facts)
    return letters.render_letter(agency, make.jurisdiction(slug), requester, letters.LetterFacts(**fields), TODAY)


def test_federal_letter_has_statute_citation_day_count_and_fee_waiver(make):
    text = render(make, "federal", fee_waiver=True, max_fee_cents=2500, expedited=True)
    assert "Freedom of Information Act (5 U.S.C. § 552)" in text
    assert "within 20 business days" in text
    assert "waiver of all fees" in text
    assert "If the waiver is denied, I am willing to pay fees up to $25.00" in text
    assert "expedited processing" in text
    assert "All emails mentioning Rekognition." in text
    assert "March 2, 2026" in text and "100 S Hughey Ave" in text
    assert text.rstrip().endswith("Jacob Snow\nACLU of Northern California\n39 Drumm Street")


def test_prompt_law_says_reasonable_time_and_no_day_count(make):
    text = render(make, "fl")
    assert "Florida Public Records Act (Fla. Stat. § 119.07(1)(c))" in text
    assert "reasonable time" in text and "business days" not in text
    assert "waiver" not in text and "expedited" not in text
    assert "please inform me before filling" in text


def test_two_stage_law_states_both_periods(make):
    text = render(make, "or")
    assert "an acknowledgment within 5 business days and a response within 10 business days after that" in text


def test_a_jurisdiction_may_have_its_own_template(make, tmp_path, monkeypatch):
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "request_wa.txt.j2").write_text("Under {{ citation }}: {{ facts.records_sought }}\n")
    monkeypatch.setattr(rendering, "template_folder", lambda: tmp_path)
    assert render(make, "wa") == "Under RCW 42.56.520: All emails mentioning Rekognition.\n"
    assert letters.template_names(make.jurisdiction("wa"))[0] == "letters/request_wa.txt.j2"
