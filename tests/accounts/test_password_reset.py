""""Forgot your password?": the link arrives through a real SMTP server (aiosmtpd) and is
followed from the message; the answer never tells whether an address has an account; the link
works once, for an hour; every other session ends."""
import re
import socket
import struct
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.accounts.models import PasswordReset
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import PASSWORD
from tests.pages import shown

NEW = "en-helt-ny-adgangskode-7"


def ask(client, email, **kwargs):
    return client.post("/password/forgot", data={"email": email}, **kwargs)


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://samspil\.test(/password/reset/[A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_login_page_links_to_it(client):
    page = client.get("/login")
    assert 'href="/password/forgot"' in page.text and "Glemt adgangskode?" in shown(page.text)
    assert "Glemt adgangskode?" in shown(client.get("/password/forgot").text)


def test_a_password_is_reset_from_the_e_mailed_link(world, app, smtp):
    observer = world.users["observer"]
    other_device = app.test_client()  # signed in elsewhere, with remember-me
    other_device.post("/login", data={"email": observer.email, "password": PASSWORD,
                                      "remember": "y"})
    assert other_device.get("/settings").status_code == 200

    client = app.test_client()
    response = ask(client, "Observer@A.example ")
    assert response.status_code == 303
    assert "Hvis en konto har denne adresse" in shown(client.get("/password/forgot").text)
    [message] = smtp.to(observer.email)
    assert message.is_multipart() and message["Subject"] == "Vælg en ny adgangskode til Samspil"
    link = link_in(message)
    assert f'href="http://samspil.test{link}"' in message.get_body(
        preferencelist=("html",)).get_content()
    token = link.rsplit("/", 1)[1]
    assert db.session.scalar(select(PasswordReset.token_digest)) != token  # only its digest

    assert client.get(link).status_code == 200
    short = client.post(link, data={"password": "kort"})
    assert short.status_code == 422 and "mindst 12 tegn" in shown(short.text)
    done = client.post(link, data={"password": NEW})
    assert done.status_code == 303
    assert client.get("/settings").status_code == 200  # signed in here
    db.session.expire_all()
    assert observer.check_password(NEW)
    # Every other session and remember-me cookie has ended.
    other_device.delete_cookie("session")
    assert other_device.get("/settings").status_code == 302
    # The person is told by e-mail that the password changed.
    changed = smtp.to(observer.email)[1]
    assert changed["Subject"] == "Din adgangskode til Samspil er ændret"
    assert "Adgangskoden til din Samspil-konto" in changed.get_body(
        preferencelist=("plain",)).get_content()
    assert {"account.password_reset_requested", "account.password_reset"} <= set(actions())
    # The link worked once.
    again = app.test_client().get(link)
    assert again.status_code == 410 and "allerede brugt" in shown(again.text)
    assert app.test_client().post(link, data={"password": "endnu-en-adgangskode-9"}
                                  ).status_code == 410


def test_the_answer_is_the_same_whether_or_not_the_account_exists(world, app, smtp):
    world.users["steering"].is_active = False
    db.session.commit()
    answers = []
    for email in ("observer@a.example", "nobody@a.example", "steering@a.example"):
        client = app.test_client()
        response = ask(client, email)
        page = client.get("/password/forgot")
        answers.append((response.status_code, response.headers["Location"],
                        response.get_data(), page.status_code, shown(page.text)))
    assert answers[0] == answers[1] == answers[2]
    assert smtp.recipients == ["observer@a.example"]  # only the active account gets mail
    requested = db.session.scalars(select(AuditEvent.target_label).where(
        AuditEvent.action == "account.password_reset_requested")).all()
    assert requested == ["A observer"]


def test_the_link_expires_after_an_hour(world, client, smtp):
    ask(client, "observer@a.example")
    link = link_in(smtp.to("observer@a.example")[0])
    row = db.session.scalar(select(PasswordReset))
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(minutes=60)
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    opened = client.get(link)
    assert opened.status_code == 410 and "udløbet" in shown(opened.text)
    assert client.post(link, data={"password": NEW}).status_code == 410
    db.session.expire_all()
    assert world.users["observer"].check_password(PASSWORD)


def test_a_reset_ends_the_other_outstanding_links(world, client, smtp):
    ask(client, "observer@a.example")
    ask(client, "observer@a.example")
    first, second = (link_in(m) for m in smtp.to("observer@a.example"))
    assert client.post(second, data={"password": NEW}).status_code == 303
    client.post("/logout")
    assert client.get(first).status_code == 410


@pytest.mark.parametrize("forge", ["truncated", "forged", "too long"])
def test_forged_and_truncated_links_say_so(world, client, smtp, forge):
    ask(client, "observer@a.example")
    token = link_in(smtp.to("observer@a.example")[0]).rsplit("/", 1)[1]
    bad = {"truncated": token[:20], "forged": "x" * len(token), "too long": token * 40}[forge]
    opened = client.get(f"/password/reset/{bad}")
    assert opened.status_code == 404 and "ikke gyldigt" in shown(opened.text)
    assert client.post(f"/password/reset/{bad}", data={"password": NEW}).status_code == 404
    db.session.expire_all()
    assert world.users["observer"].check_password(PASSWORD)


def test_a_link_the_mail_server_refused_for_now_is_sent_again(world, client, smtp, caplog):
    smtp.rcpt_replies.append("451 4.3.0 Try again later")
    assert ask(client, "observer@a.example").status_code == 303
    [message] = smtp.to("observer@a.example")  # the second attempt delivered it
    assert link_in(message).startswith("/password/reset/")
    assert "trying again" in caplog.text


def test_a_link_the_mail_server_refused_for_good_is_logged_not_retried(world, client, smtp,
                                                                         caplog):
    smtp.rcpt_replies.append("550 5.1.1 No such user here")
    assert ask(client, "observer@a.example").status_code == 303
    assert smtp.recipients == []
    assert "Could not send the password reset e-mail (attempt 1)" in caplog.text


def test_the_link_leaves_even_when_the_browser_drops_the_connection(world, app, smtp):
    """A browser that has what it needs of a redirect may reset the connection before the
    server is done with it. Werkzeug's server then skips the response's close callbacks, so a
    link sent "once the answer has gone" silently never left (seen in the browser tests on a
    busy machine); it leaves from a mail thread now, whatever becomes of the connection."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    body = b"email=observer%40a.example"
    try:
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", server.port)) as browser:
                browser.sendall(b"POST /password/forgot HTTP/1.1\r\nHost: samspil.test\r\n"
                                b"Content-Type: application/x-www-form-urlencoded\r\n"
                                b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                assert browser.recv(12) == b"HTTP/1.1 303"
                # Closed with unread data and no lingering: the server sees a reset.
                browser.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        server.shutdown()
    assert len(smtp.to("observer@a.example")) == 5
