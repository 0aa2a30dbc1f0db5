"""Issue 9.2-9.4, 9.9, 9.10: sessions that end, cookies under HTTPS, login throttling, invitations
instead of silent team adds, and passwords that cannot be guessed. Driven through the test client."""
from __future__ import annotations

import os
import re

import pytest
from sqlmodel import select

from foia.accounts.models import TeamInvitation, TeamMembership
from tests.conftest import FormClient, require
from tests.factories import PASSWORD


def cookie_value(client, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_a_copied_session_or_remember_cookie_stops_working_after_logout(app, make):
    user = make.user()
    app.test_client_class = FormClient
    browser = app.test_client()
    browser.post_form("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    session_cookie, remember = cookie_value(browser, "session"), cookie_value(browser, "remember_token")
    assert session_cookie and remember
    thief = app.test_client()
    thief.set_cookie("session", session_cookie)
    assert thief.get("/account").status_code == 200  # the copy works while the login lasts
    browser.post_form("/logout")
    for name, value in (("session", session_cookie), ("remember_token", remember)):
        replay = app.test_client()
        replay.set_cookie(name, value)
        assert replay.get("/account").status_code == 302, name


def test_password_change_and_log_out_everywhere_end_the_other_sessions(app, make):
    user = make.user()
    app.test_client_class = FormClient
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        browser.post_form("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    stolen = cookie_value(phone, "remember_token")
    page = laptop.get("/account").get_data(as_text=True)
    assert "Log out of all other sessions" in page and "logged in on 2 browsers" in page
    laptop.post_form("/account/logins/end-others")
    assert phone.get("/account").status_code == 302 and laptop.get("/account").status_code == 200
    replay = app.test_client()
    replay.set_cookie("remember_token", stolen)
    assert replay.get("/account").status_code == 302
    phone.post_form("/login", {"email": user.email, "password": PASSWORD})
    changed = laptop.post_form("/account", {"password-current_password": PASSWORD,
                                            "password-new_password": "violet okapi lantern"})
    assert changed.status_code == 302
    assert phone.get("/account").status_code == 302 and laptop.get("/account").status_code == 200


def test_cookies_are_secure_and_hsts_is_sent_under_https(make_app, make):
    app = make_app(BASE_URL="https://foia.example.org")
    user = make.user()
    client = app.test_client()
    https = "https://foia.example.org"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login", base_url=https).get_data(as_text=True))
    response = client.post("/login", base_url=https, headers={"Referer": f"{https}/login"},
                           data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token.group(1)})
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session", "remember_token"):
        header = next(c for c in cookies if c.startswith(name + "="))
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, header
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_plain_http_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def failed_logins(client, email: str, count: int) -> list:
    return [client.post_form("/login", {"email": email, "password": f"wrong {n}"}) for n in range(count)]


def test_fifteen_wrong_passwords_then_the_right_one_is_refused(client, make):
    user = make.user()
    answers = failed_logins(client, user.email, 15)
    assert answers[0].status_code == 200 and answers[-1].status_code == 429
    right = client.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert right.status_code == 429 and client.get("/account").status_code == 302
    assert re.search(r"Try again in \d+ minutes?", right.get_data(as_text=True))


def test_an_operator_lets_a_locked_out_account_log_in_again(client, make, runner):
    user, other = make.user(), make.user("bystander@example.org")
    failed_logins(client, user.email, 5)
    failed_logins(client, other.email, 5)
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 429
    result = runner.invoke(args=["unlock-login", user.email.upper()])
    assert result.exit_code == 0 and f"Failed logins forgotten for {user.email}" in result.output
    assert client.post_form("/login", {"email": other.email, "password": PASSWORD}).status_code == 429  # only that one
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_logged_in_user_who_mistypes_another_accounts_password_is_told_so(client, make):
    """The failure is counted in the throttle's own connection while the request's form session is open: on
    SQLite that count once waited on the request's own write lock and failed with "database is locked"."""
    user, other = make.user(), make.user("second@example.org")
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    answers = failed_logins(client, other.email, 6)
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert "Wrong email address or password." in answers[0].get_data(as_text=True)
    assert client.get("/account").status_code == 200  # still logged in as the first


def test_an_operator_can_also_forget_a_client_addresss_failed_logins(client, make, runner):
    user = make.user()
    for n in range(20):
        client.post_form("/login", {"email": f"guess{n}@example.org", "password": "nope"})
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 429
    assert runner.invoke(args=["unlock-login", user.email, "--address", "127.0.0.1"]).exit_code == 0
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_the_throttle_says_the_same_whether_or_not_the_account_exists(client, make):
    user = make.user()
    known = failed_logins(client, user.email, 6)[-1].get_data(as_text=True)
    unknown = failed_logins(client, "nobody@example.org", 6)[-1].get_data(as_text=True)
    pick = lambda page: re.sub(r"\d+", "N", re.search(r"Too many failed logins[^<]*", page).group())  # noqa: E731
    assert pick(known) == pick(unknown)


def test_the_throttle_counts_per_client_address_across_accounts(client, make):
    user = make.user()
    for n in range(20):
        client.post_form("/login", {"email": f"guess{n}@example.org", "password": "nope"})
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 429
    other_address = client.post_form("/login", {"email": user.email, "password": PASSWORD},
                                     environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other_address.status_code == 302


def test_the_throttle_can_live_in_redis(make_app, make):
    url = os.environ.get("FOIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        require(False, f"Redis does not answer at {url}")
    app = make_app(REDIS_URL=url)
    user = make.user()
    client = app.test_client()
    failed_logins(client, user.email, 5)
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 429
    assert any(b"login-account" in key for key in redis.Redis.from_url(url).keys("*"))
    redis.Redis.from_url(url).flushdb()


@pytest.mark.parametrize("weak", ["aaaaaaaa", "12345678", "password", "password1", "qwertyuiop"])
def test_weak_passwords_are_refused_with_a_reason(client, make, weak):
    user = make.user()
    client.login(user.email)
    page = client.post_form("/account", {"password-current_password": PASSWORD,
                                         "password-new_password": weak}).get_data(as_text=True)
    assert "Your password is changed" not in page
    assert re.search(r"(common|guess|Repeats|sequence|similar)", page), page[-2000:]
    registering = client.post_form("/register", {"email": "new@example.org", "password": weak, "confirm": weak})
    assert "Check your inbox" not in registering.get_data(as_text=True)


def test_adding_to_a_team_is_an_invitation_that_says_nothing_about_the_address(client, make, session):
    owner, invitee = make.user(), make.user()
    client.login(owner.email)
    client.post_form("/teams", {"team-name": "Newsroom"})
    team_id = session.exec(select(TeamMembership.team_id)
                           .where(TeamMembership.user_id == owner.id)).one()
    answers = [client.post_form(f"/teams/{team_id}", {"email": address}, follow_redirects=True).get_data(as_text=True)
               for address in (invitee.email, "ghost@example.org")]
    said = [re.search(r"is invited to Newsroom[^<]*", page).group() for page in answers]
    assert said[0] == said[1]
    assert session.get(TeamMembership, (team_id, invitee.id)) is None  # not in the team before accepting
    client.post_form("/logout")
    client.login(invitee.email)
    account = client.get("/account").get_data(as_text=True)
    assert "Join <strong>Newsroom</strong>" in account
    session.rollback()
    invitation = session.exec(select(TeamInvitation)
                              .where(TeamInvitation.email == invitee.email)).one()
    client.post_form(f"/account/invitations/{invitation.id}", {"answer": "accept"})
    session.rollback()
    assert session.get(TeamMembership, (team_id, invitee.id)) is not None
    # Someone else cannot answer an invitation that is not theirs.
    other_invitation = session.exec(select(TeamInvitation)).one()
    assert client.post_form(f"/account/invitations/{other_invitation.id}", {"answer": "accept"}).status_code == 404


def test_the_registration_form_cannot_flood_an_inbox(client, session):
    from foia.mail.models import OutboxMessage

    answers = [client.post_form("/register", {"email": "target@example.org", "password": "violet okapi lantern",
                                              "confirm": "violet okapi lantern"}).status_code for _ in range(12)]
    assert answers[:10] == [200] * 10 and answers[-1] == 429
    session.rollback()
    assert len(session.exec(select(OutboxMessage).where(OutboxMessage.recipients == "target@example.org")).all()) == 10


def test_forwarded_addresses_are_believed_only_behind_a_configured_proxy(make_app, make):
    """Without FOIA_TRUSTED_PROXIES a guesser cannot dodge the throttle by forging X-Forwarded-For;
    behind one proxy each client is counted by the address the proxy forwards."""
    for proxies, expected in ((0, 429), (1, 302)):
        client = make_app(TRUSTED_PROXIES=proxies).test_client()
        user = make.user()
        proxy = {"REMOTE_ADDR": "192.0.2.1"}
        for n in range(20):
            client.post_form("/login", {"email": f"guess{n}@example.org", "password": "nope"},
                             environ_base=proxy, headers={"X-Forwarded-For": f"198.51.100.{n}"})
        answer = client.post_form("/login", {"email": user.email, "password": PASSWORD}, environ_base=proxy,
                                  headers={"X-Forwarded-For": "203.0.113.9"})
        assert answer.status_code == expected, proxies
