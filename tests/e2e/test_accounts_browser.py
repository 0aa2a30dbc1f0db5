"""A newcomer registers, logs out and logs back in, in a real browser."""
import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_register_log_out_and_log_in(page, session):
    from tests.web.test_health_and_accounts import registration_link

    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Your name").fill("Nora Newcomer")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat the password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    page.goto(registration_link(session, "newcomer@example.org"))
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("link", name="Nora Newcomer")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome back, Nora Newcomer.")).to_be_visible()


def test_wrong_password_shows_inline_error_and_keeps_email(page, make):
    make.user("someone@example.org")
    page.goto("/login")
    page.get_by_label("Email").fill("someone@example.org")
    page.get_by_label("Password").fill("not " + PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong email address or password.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("someone@example.org")
