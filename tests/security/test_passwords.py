"""New passwords: at least 12 characters, not a common one; changing it ends every other
session and remember-me cookie, and keeps the current one."""
import pytest

from tests.conftest import PASSWORD

NEW = "a-new-and-long-secret-7"


def change(client, current, new):
    return client.post("/settings/password", data={"pw-current_password": current,
                                                   "pw-password": new},
                       headers={"Accept-Language": "en"})


def sign_in(app, email, remember=False):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 303
    return client


def signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


@pytest.mark.parametrize(("new", "message"), [
    ("short-pw", "at least 12 characters"),
    ("x" * 11, "at least 12 characters"),
    ("password1234", "too common"),
    ("PASSWORD1234", "too common"),
    ("samspil-demo", "too common"),
    ("velkommen123", "too common"),
])
def test_weak_new_passwords_are_refused(world, client, login, new, message):
    user = world.users["observer"]
    before = user.password_hash
    login(user)
    response = change(client, PASSWORD, new)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user.password_hash == before


def test_the_current_password_must_be_right(world, client, login):
    login(world.users["observer"])
    response = change(client, "not-my-password", NEW)
    assert response.status_code == 422
    assert "current password is not correct" in response.get_data(as_text=True)


def test_twelve_characters_are_enough(world, client, login):
    login(world.users["observer"])
    assert change(client, PASSWORD, "tolv-tegn-ok").status_code == 303
    assert world.users["observer"].check_password("tolv-tegn-ok")


def test_changing_the_password_ends_other_sessions_and_remember_me(app, world):
    email = "observer@a.example"
    here = sign_in(app, email, remember=True)
    laptop = sign_in(app, email)
    phone = sign_in(app, email, remember=True)
    phone.delete_cookie("session")  # the browser was closed: only remember-me is left
    assert signed_in(laptop) and signed_in(phone)

    assert change(here, PASSWORD, NEW).status_code == 303

    assert signed_in(here), "the session that changed the password stays signed in"
    assert not signed_in(laptop), "another session ends"
    assert not signed_in(phone), "a remember-me cookie no longer signs in"
    # The current device's remember-me cookie was renewed under the new password...
    here.delete_cookie("session")
    assert signed_in(here)
    # ...and the new password works, the old one does not.
    assert app.test_client().post("/login", data={"email": email,
                                                  "password": NEW}).status_code == 303
    assert app.test_client().post("/login", data={"email": email,
                                                  "password": PASSWORD}).status_code == 422


def test_signing_out_ends_the_session(app, world):
    client = sign_in(app, "observer@a.example")
    client.post("/logout")
    assert not signed_in(client)
