"""Registration, login and logout through the test client."""
import re

from tests.factories import PASSWORD


def registration_link(session, address: str) -> str:
    """The link in the last registration mail queued for this address."""
    from sqlmodel import select

    from foia.mail.models import OutboxMessage

    session.rollback()
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.purpose == "account",
                                                    OutboxMessage.recipients == address)).all()
    assert rows, f"no registration mail to {address}"
    match = re.search(rb"http://foia\.test(/register/confirm/[A-Za-z0-9_.=-]+)", rows[-1].raw.replace(b"=\r\n", b""))
    return match.group(1).decode() if match else ""


def test_register_by_the_link_then_log_out_and_in(client, session):
    response = client.post_form("/register", {"email": "Reporter@Example.org", "display_name": "Rita",
                                              "password": "long enough pw", "confirm": "long enough pw"})
    assert response.status_code == 200 and "Check your inbox" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # no account until the link is opened
    link = registration_link(session, "reporter@example.org")
    assert client.get(link).status_code == 302
    assert client.get("/account").status_code == 200
    client.post_form("/logout")
    assert client.get("/account").status_code == 302
    client.login("reporter@example.org", "long enough pw")
    assert "Rita" in client.get("/account").get_data(as_text=True)


def test_register_keeps_what_was_typed_and_says_what_is_wrong(client, make):
    make.user("taken@example.org")
    response = client.post_form("/register", {"email": "taken@example.org", "display_name": "Tom",
                                              "password": "long enough pw", "confirm": "different pw!"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The passwords differ." in page
    assert 'value="Tom"' in page


def test_registering_a_taken_address_looks_the_same_and_tells_only_its_owner(client, make, session):
    make.user("taken@example.org")
    taken = client.post_form("/register", {"email": "TAKEN@example.org", "password": "long enough pw",
                                           "confirm": "long enough pw"}).get_data(as_text=True)
    free = client.post_form("/register", {"email": "free@example.org", "password": "long enough pw",
                                          "confirm": "long enough pw"}).get_data(as_text=True)
    strip = lambda page: re.sub(r"[A-Za-z0-9.]+@example\.org|name=\"csrf_token\"[^>]*", "", page)  # noqa: E731
    assert "Check your inbox" in taken and strip(taken) == strip(free)
    assert registration_link(session, "taken@example.org") == ""  # the owner is told to log in instead
    assert registration_link(session, "free@example.org")


def test_wrong_password_is_refused(client, make):
    make.user("someone@example.org")
    response = client.post_form("/login", {"email": "someone@example.org", "password": "not it"})
    assert response.status_code == 200
    assert "Wrong email address or password." in response.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused(client, make):
    make.user("someone@example.org")
    response = client.post("/login", data={"email": "someone@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_registration_can_be_switched_off(make_app):
    assert make_app(REGISTRATION_OPEN=False).test_client().get("/register").status_code == 404


def test_login_does_not_redirect_off_site(client, make):
    make.user("someone@example.org")
    response = client.post_form("/login?next=https://evil.example/", {"email": "someone@example.org",
                                                                     "password": PASSWORD})
    assert response.headers["Location"].endswith("/dashboard")
