"""Registration, login and logout through the test client."""
from tests.factories import PASSWORD


def test_register_then_log_out_and_in(client):
    response = client.post_form("/register", {"email": "Reporter@Example.org", "display_name": "Rita",
                                              "password": "long enough pw", "confirm": "long enough pw"})
    assert response.status_code == 302
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


def test_duplicate_email_is_refused_inline(client, make):
    make.user("taken@example.org")
    response = client.post_form("/register", {"email": "TAKEN@example.org", "password": "long enough pw",
                                              "confirm": "long enough pw"})
    assert "already exists" in response.get_data(as_text=True)


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


def test_registration_can_be_switched_off(app_config, clock):
    from foia import create_app

    app = create_app({**app_config, "REGISTRATION_OPEN": False}, clock=clock)
    assert app.test_client().get("/register").status_code == 404


def test_login_does_not_redirect_off_site(client, make):
    make.user("someone@example.org")
    response = client.post_form("/login?next=https://evil.example/", {"email": "someone@example.org",
                                                                     "password": PASSWORD})
    assert response.headers["Location"].endswith("/dashboard")
