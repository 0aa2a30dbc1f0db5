"""Forms as a person meets them in Chromium: date hints in the order the browser shows dates, every
problem of a form at once, closing changes confirmed before they are made."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from foia.requests.models import Status
from tests.factories import PASSWORD


def test_a_date_hint_matches_the_box_the_browser_shows_and_the_date_is_read_back_in_words(page):
    page.goto("/deadlines")
    field = page.get_by_label("Day the agency received the request")
    hint = page.locator("#received-format")
    assert "received-format" in (field.get_attribute("aria-describedby") or "")
    # Chromium shows mm/dd/yyyy here: the hint must not ask for year-month-day, nor name another order.
    assert "year-month-day" not in hint.inner_text() and "dd/mm" not in hint.inner_text()
    expect(hint).to_contain_text("in the order the box shows")
    field.fill("")
    field.click()
    field.press_sequentially("03022026", delay=20)  # as the box shows it: month, day, year
    assert field.input_value() == "2026-03-02"
    expect(page.locator('[data-date-in-words-for="received"]')).to_have_text("Mon, Mar 2, 2026")


def test_a_browser_without_date_boxes_is_asked_for_year_month_day(browser, live_server):
    context = browser.new_context(base_url=live_server)
    try:
        page = context.new_page()
        # A browser whose date inputs fall back to text boxes (older Safari, some embedded browsers).
        page.add_init_script("""(() => {
          const real = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "type");
          Object.defineProperty(HTMLInputElement.prototype, "type", {
            get() { const t = real.get.call(this); return t === "date" ? "text" : t; }, set: real.set });
        })();""")
        page.goto("/deadlines")
        expect(page.locator("#received-format")).to_have_text("As year-month-day, e.g. 2026-03-02.")
        assert page.get_by_label("Day the agency received the request").get_attribute("placeholder") == "yyyy-mm-dd"
    finally:
        context.close()


def test_the_calculator_refuses_dates_no_one_means_with_a_clear_message(page):
    page.goto("/deadlines?jurisdiction=federal&received=9999-12-31")
    expect(page.locator("main")).to_contain_text("Give a date between Jan 1, 1966 and Dec 31, 2100.")
    page.goto("/deadlines?jurisdiction=federal&received=0001-01-01")
    expect(page.locator("main")).to_contain_text("Give a date between Jan 1, 1966 and Dec 31, 2100.")


def test_registration_shows_every_problem_in_one_go(page, make):
    make.user("taken@example.org")
    page.goto("/register")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("different")
    page.get_by_role("button", name="Create account").click()
    main = page.locator("main")
    expect(main).to_contain_text("@-sign")
    expect(main).to_contain_text("Use at least 8 characters.")
    expect(main).to_contain_text("The passwords differ.")
    assert page.locator("main [aria-invalid=true]").count() == 3
    # A taken address is not among the problems: registration never tells who has an account.
    page.get_by_label("Email").fill("taken@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("different")
    page.get_by_role("button", name="Create account").click()
    expect(main).to_contain_text("Use at least 8 characters.")
    expect(main).not_to_contain_text("already")
    assert page.locator("main [aria-invalid=true]").count() == 2


def test_a_status_change_preselects_nothing_and_withdrawing_asks_first(page, make, session):
    owner = make.user("reporter@example.org")
    request = make.request(owner=owner, title="Partly released", status=Status.partial)
    page.goto("/login")
    page.get_by_label("Email").fill("reporter@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/requests/{request.id}")
    menu = page.get_by_label("New status")
    assert menu.input_value() == ""
    options = menu.locator("option").all_inner_texts()
    assert "Acknowledged" not in options and "Completed" in options
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#status")).to_contain_text("Choose the new status.")

    page.get_by_label("New status").select_option(label="Withdrawn")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("heading", name="Withdraw this request?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/requests/{request.id}"))
    session.rollback()
    session.refresh(request)
    assert request.status == Status.partial
