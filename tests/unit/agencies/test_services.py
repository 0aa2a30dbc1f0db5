"""Agency services: directory search, create and edit with history, typeahead, CSV import."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from foia.agencies import services
from foia.agencies.models import Agency, AgencyChange
from foia.errors import NotFound, ValidationError
from foia.requests.models import Visibility

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _create(session, make, actor=None, **values):
    values.setdefault("jurisdiction_id", make.jurisdiction(values.pop("slug", "fl")).id)
    agency = services.create_agency(session, actor, NOW, **values)
    session.commit()
    return agency


def test_search_finds_text_in_name_abbreviation_or_email_and_filters_by_jurisdiction(session, make):
    orlando = make.agency("Orlando Police Department", abbreviation="OPD", foia_email="records@orlando.gov")
    washington = make.agency("Washington County Sheriff's Office", jurisdiction="or", foia_email="pra@co.washington.or.us")
    make.agency("Federal Bureau of Investigation", jurisdiction="federal", abbreviation="FBI", foia_email="foia@fbi.gov")

    assert [a.name for a, _ in services.search_agencies(session, "police").items] == [orlando.name]
    assert [a.name for a, _ in services.search_agencies(session, "opd").items] == [orlando.name]
    assert [a.name for a, _ in services.search_agencies(session, "washington.or").items] == [washington.name]
    by_state = services.search_agencies(session, jurisdiction="or")
    assert [(a.name, j.slug) for a, j in by_state.items] == [(washington.name, "or")]
    assert services.search_agencies(session, "100%").total == 0
    assert services.search_agencies(session).total == 3


def test_search_is_paginated_by_name(session, make):
    for n in range(7):
        make.agency(f"Agency {chr(ord('G') - n)}")
    first = services.search_agencies(session, "agency", page=1, per_page=3)
    last = services.search_agencies(session, "agency", page=99, per_page=3)
    assert (first.total, first.pages, first.has_next, first.has_prev) == (7, 3, True, False)
    assert [a.name for a, _ in first.items] == ["Agency A", "Agency B", "Agency C"]
    assert last.number == 3 and [a.name for a, _ in last.items] == ["Agency G"]


def test_create_records_who_created_it(session, make):
    reporter = make.user()
    agency = _create(session, make, reporter, name="  Orlando Police Department ", foia_email="Records@Orlando.GOV",
                     portal_url="https://orlando.nextrequest.com")
    assert agency.name == "Orlando Police Department"
    assert agency.foia_email == "records@orlando.gov"
    [(change, who)] = services.agency_history(session, agency)
    assert change.summary == "created" and who.id == reporter.id


def test_create_refuses_bad_input_naming_every_field(session, make):
    make.agency("Orlando Police Department")
    with pytest.raises(ValidationError) as raised:
        services.create_agency(session, None, NOW, jurisdiction_id=make.jurisdiction("fl").id,
                               name="orlando police department", foia_email="not an email",
                               portal_url="javascript:alert(1)")
    assert set(raised.value.fields) == {"name", "foia_email", "portal_url"}
    assert "already has an agency" in raised.value.fields["name"]
    with pytest.raises(ValidationError) as raised:
        services.create_agency(session, None, NOW, jurisdiction_id=None, name="")
    assert set(raised.value.fields) == {"jurisdiction_id", "name"}
    session.rollback()
    assert len(session.exec(select(Agency)).all()) == 1


def test_same_name_is_allowed_in_another_jurisdiction(session, make):
    make.agency("Department of Corrections", jurisdiction="fl")
    agency = _create(session, make, name="Department of Corrections", slug="or")
    assert agency.id


def test_edit_records_old_and_new_values_and_clears_a_failing_email(session, make):
    editor = make.user()
    agency = make.agency("Orlando PD", foia_email="old@orlando.gov", phone="407-555-0100")
    services.mark_email_failing(session, agency, NOW, "550 mailbox unavailable")
    session.commit()
    later = NOW + timedelta(hours=1)
    change = services.update_agency(session, editor, later, agency, name="Orlando Police Department",
                                    foia_email="records@orlando.gov", jurisdiction_id=make.jurisdiction("or").id)
    session.commit()
    assert change.changes == {"name": ["Orlando PD", "Orlando Police Department"],
                              "foia_email": ["old@orlando.gov", "records@orlando.gov"],
                              "jurisdiction": ["fl", "or"]}
    assert change.actor_id == editor.id and change.at == later
    assert agency.email_failing_since is None and agency.email_failing_reason == ""
    assert agency.phone == "407-555-0100" and agency.updated_at == later
    assert services.update_agency(session, editor, later, agency, phone="407-555-0100") is None
    assert len(session.exec(select(AgencyChange).where(AgencyChange.agency_id == agency.id)).all()) == 1


def test_editing_other_fields_keeps_the_failing_mark(session, make):
    agency = make.agency(foia_email="x@agency.gov")
    services.mark_email_failing(session, agency, NOW, "bounced")
    services.update_agency(session, None, NOW, agency, phone="407-555-0199")
    assert agency.email_failing_since == NOW


def test_get_unknown_agency_is_not_found(session):
    with pytest.raises(NotFound):
        services.get_agency(session, 12345)


def test_suggest_puts_names_starting_with_the_text_first(session, make):
    make.agency("Florida Department of Law Enforcement", foia_email="fdle@fdle.state.fl.us")
    make.agency("Orlando Police Department", foia_email="records@orlando.gov")
    make.agency("Police Benevolent Association")
    found = services.suggest(session, "pol", limit=5)
    assert [s["name"] for s in found] == ["Police Benevolent Association", "Orlando Police Department"]
    assert found[1] == {"id": found[1]["id"], "name": "Orlando Police Department", "jurisdiction": "Florida",
                        "jurisdiction_slug": "fl", "email": "records@orlando.gov"}
    assert services.suggest(session, "  ") == []
    assert len(services.suggest(session, "o", limit=1)) == 1


def test_requests_to_an_agency_are_only_the_ones_the_viewer_may_see(session, make):
    owner, stranger = make.user(), make.user()
    agency = make.agency()
    private = make.request(owner=owner, agency=agency)
    public = make.request(owner=owner, agency=agency, visibility=Visibility.public)
    assert {r.id for r in services.requests_to_agency(session, owner, NOW, agency)} == {private.id, public.id}
    assert [r.id for r in services.requests_to_agency(session, stranger, NOW, agency)] == [public.id]
    assert [r.id for r in services.requests_to_agency(session, None, NOW, agency)] == [public.id]


CSV = """name,jurisdiction,abbreviation,foia_email,portal_url,address,phone,notes
Orlando Police Department,fl,OPD,records@orlando.gov,,"100 S Hughey Ave
Orlando, FL 32801",,
Washington County Sheriff's Office,Oregon,WCSO,pra@co.washington.or.us,https://wcso.example.org,,,
,fl,,,,,,
Nowhere Police,zz,,,,,,
Bad Mail Police,fl,,not-an-address,,,,
Orlando Police Department,FL,,,,,,
Existing Agency,fl,,,,,407-555-0199,
Unchanged Agency,fl,,same@agency.gov,,,,
Bad Portal,federal,,,ftp://files.example.gov,,,
"""


def test_csv_import_reports_created_updated_skipped_and_rejected_rows(session, make):
    make.agency("Existing Agency", phone="")
    make.agency("Unchanged Agency", foia_email="same@agency.gov")
    report = services.import_csv(session, None, NOW, CSV)
    session.commit()
    # rows as a spreadsheet numbers them: the header is row 1, a multi-line cell stays in one row
    assert report.created == [(2, "Orlando Police Department"), (3, "Washington County Sheriff's Office")]
    assert report.updated == [(8, "Existing Agency")]
    assert report.skipped == [(9, "Unchanged Agency")]
    rejected = dict(report.rejected)
    assert set(rejected) == {4, 5, 6, 7, 10}
    assert rejected[4] == "missing name"
    assert "unknown jurisdiction" in rejected[5] and "zz" in rejected[5]
    assert rejected[6].startswith("FOIA email:")
    assert rejected[7] == "duplicate of row 2 in this file"
    assert rejected[10].startswith("portal:")
    names = {a.name for a in session.exec(select(Agency)).all()}
    assert names == {"Orlando Police Department", "Washington County Sheriff's Office", "Existing Agency",
                     "Unchanged Agency"}
    orlando = session.exec(select(Agency).where(Agency.abbreviation == "OPD")).one()
    assert orlando.address == "100 S Hughey Ave\nOrlando, FL 32801"
    assert report.as_dict()["rejected"][0] == {"row": 4, "reason": "missing name"}


def test_csv_import_twice_changes_nothing_the_second_time(session, make):
    services.import_csv(session, None, NOW, CSV)
    session.commit()
    again = services.import_csv(session, None, NOW, CSV)
    assert again.created == [] and again.updated == []
    assert len(again.skipped) == 4


def test_csv_without_a_name_column_is_refused(session):
    with pytest.raises(ValidationError, match="name"):
        services.import_csv(session, None, NOW, "agency,state\nOPD,fl\n")
    with pytest.raises(ValidationError):
        services.import_csv(session, None, NOW, "")


def test_a_form_resubmitting_the_same_address_is_no_change(session, make):
    agency = make.agency(address="100 S Hughey Ave\nOrlando, FL 32801")
    assert services.update_agency(session, None, NOW, agency, address="100 S Hughey Ave\r\nOrlando, FL 32801\r\n") is None


def test_a_rejected_row_does_not_block_a_corrected_one_later_in_the_file(session, make):
    report = services.import_csv(session, None, NOW, "name,jurisdiction,foia_email\nOPD,fl,bad\nOPD,fl,good@opd.gov\n")
    assert [row for row, _ in report.rejected] == [2] and report.created == [(3, "OPD")]
