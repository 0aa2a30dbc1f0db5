"""The requester's day one, in Chromium: add an agency, file a request, preview its letter,
mark it submitted, and find it on the dashboard with its timeline and explained due date."""
import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_add_agency_file_request_preview_submit_and_follow_it(page, make, clock):
    clock.at = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    make.user("reporter@example.org", display_name="Rita Reporter")
    log_in(page, "reporter@example.org")

    # Add the agency to the shared directory.
    page.get_by_role("link", name="Agencies").click()
    page.get_by_role("link", name="Add an agency").first.click()
    page.get_by_label("Jurisdiction").select_option(label="United States (federal)")
    page.get_by_label("Name").fill("Federal Bureau of Investigation")
    page.get_by_label("FOIA email").fill("foipaquestions@fbi.example.gov")
    page.get_by_role("button", name="Add agency").click()
    expect(page.get_by_role("heading", name="Federal Bureau of Investigation")).to_be_visible()

    # File a request to it, picking the agency by typing.
    page.goto("/requests/new")
    picker = page.get_by_placeholder("Type an agency's name or its state…")
    picker.fill("Bureau of Invest")
    page.get_by_role("option", name=re.compile("Federal Bureau of Investigation")).click()
    page.get_by_label("Title").fill("FBI and Amazon Rekognition")
    page.get_by_label("Records sought").fill("All emails mentioning Rekognition since 2017.")
    page.get_by_label("Ask for a fee waiver (disclosure is in the public interest)").check()
    page.get_by_role("button", name="Preview the letters →").click()

    # The letter is rendered for the federal law and can be edited before saving.
    letter = page.get_by_label("Letter to Federal Bureau of Investigation")
    expect(letter).to_contain_text("Freedom of Information Act")
    expect(letter).to_contain_text("5 U.S.C.")
    expect(letter).to_contain_text("20 business days")
    expect(letter).to_contain_text("fee")
    letter.fill(letter.input_value() + "\nP.S. Electronic copies are fine.")
    page.get_by_role("button", name=re.compile("Save as draft")).click()
    expect(page.get_by_role("heading", name="FBI and Amazon Rekognition")).to_be_visible()
    expect(page.locator("#letter")).to_contain_text("P.S. Electronic copies are fine.")

    # Mark it submitted by email on Friday Nov 20, 2026.
    page.get_by_label("Date filed").fill("2026-11-20")
    page.get_by_role("button", name="Mark as submitted").click()
    expect(page.locator(".badge.status-submitted").first).to_be_visible()

    # The due date skips the weekends and Thanksgiving, and says so.
    deadlines = page.locator("section", has=page.get_by_role("heading", name="Deadlines"))
    expect(deadlines).to_contain_text("Dec 21, 2026")
    expect(deadlines).to_contain_text("Thanksgiving Day")
    expect(deadlines).to_contain_text("5 U.S.C.")

    # The timeline has the draft, the edit of the letter and the submission, with who did them.
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Rita Reporter")
    expect(timeline).to_contain_text(re.compile("[Ss]ubmitted"))

    # The dashboard counts it as awaiting a response.
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("Awaiting response").first).to_be_visible()
    page.get_by_role("link", name="Requests", exact=True).click()
    expect(page.get_by_role("link", name="FBI and Amazon Rekognition")).to_be_visible()


def test_deadline_calculator_explains_each_skipped_day(page):
    page.goto("/deadlines")
    page.get_by_label("Law (jurisdiction)").select_option("federal")
    page.get_by_label("Day the agency received the request").fill("2021-12-23")
    page.get_by_role("button", name="Compute").click()
    # Counted by hand: Dec 24 (Christmas observed), Dec 31 (New Year's Day observed) and Jan 17
    # (Martin Luther King Jr. Day) are skipped besides weekends; day 20 is Tuesday Jan 25, 2022.
    result = page.locator("main")
    expect(result).to_contain_text("Christmas Day")
    expect(result).to_contain_text("New Year's Day")
    expect(result).to_contain_text("Martin Luther King")
    expect(result).to_contain_text("Jan 25, 2022")
    # The statute's own sentence and the rule behind each skipped day are on the page.
    expect(result).to_contain_text("determine within 20 days (excepting Saturdays, Sundays, and legal public holidays)")
    expect(result).to_contain_text("5 U.S.C. § 6103(a), (b)(1)")


def test_pennsylvania_appeal_decided_gives_the_last_day_to_go_to_court(page, make, clock):
    clock.at = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    owner = make.user("reporter@example.org", display_name="Rita Reporter")
    request = make.request(owner=owner, agency=make.agency(jurisdiction="pa"), title="Rekognition in Pittsburgh")
    log_in(page, "reporter@example.org")
    page.goto(f"/requests/{request.id}")
    page.get_by_label("Date filed").fill("2026-10-01")
    page.get_by_role("button", name="Mark as submitted").click()
    expect(page.locator(".badge.status-submitted").first).to_be_visible()

    for status, on in (("Rejected", "2026-10-08"), ("Under appeal", "2026-10-22"), ("Rejected", "2026-11-06")):
        page.get_by_label("New status").select_option(label=status)
        page.get_by_label("Date it happened").fill(on)
        page.get_by_role("button", name="Change status").click()
        if status == "Rejected":  # a closing status is confirmed first
            page.get_by_role("button", name=f"Yes, mark it “{status}”").click()
        expect(page.locator(".badge").first).to_have_text(status)

    # The OOR's decision mailed Fri Nov 6: 30 days end on Sun Dec 6, so the petition is due Mon Dec 7 (65 P.S. 67.1302).
    deadlines = page.locator("section", has=page.get_by_role("heading", name="Deadlines"))
    expect(deadlines).to_contain_text("Last day to go to court")
    expect(deadlines).to_contain_text("Dec 7, 2026")
    expect(deadlines).to_contain_text("when the appeal was decided")
