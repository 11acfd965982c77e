"""Joining and recovering access in the browser: an invitation sent from the members page and
accepted from the link in the e-mail the live server sent (to a real SMTP server), and a
forgotten password set again from its e-mailed link. Each page is checked with axe."""
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, live_log_tail, sign_in
from tests.browser.data import project_name

BALLERUP = "po@ballerup.example"
STRONG = "en-lang-og-god-adgangskode"


@pytest.fixture
def mail_to(live_mail, live_workdir):
    """The messages the live server has sent to an address, once `count` have arrived (a reset
    link leaves after the answer, so the wait covers that and the SMTP server's own thread
    handing them over; generous, for a machine under load). Waiting in vain ends with the tail
    of the server's log: what it said when sending failed."""
    def wait(address: str, count: int = 1):
        for _ in range(400):
            messages = live_mail.handler.to(address)
            if len(messages) >= count:
                return messages
            time.sleep(0.05)
        raise AssertionError(f"no e-mail to {address}: {live_mail.handler.recipients}; "
                             f"the live server's log ends:\n{live_log_tail(live_workdir)}")
    return wait


def _link(message, pattern: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(pattern, text)
    assert match, text
    return match.group(0)


def test_an_invitation_is_sent_and_accepted_in_the_browser(page, browser, live_server, make,
                                                           mail_to):
    key = make.project({BALLERUP: ["secretariat"]})
    address = f"ny.{key.lower()}@ballerup.example"
    sign_in(page, BALLERUP)
    page.goto(f"/p/{key}/members")
    invite = page.get_by_role("region", name="Invitér via e-mail")
    invite.get_by_label("E-mail", exact=True).fill(address)
    invite.get_by_label("Organisation").select_option(label="Ballerup Kommune")
    invite.get_by_label("Fagperson").check()
    invite.get_by_label("Personlig besked (valgfri)").fill("Velkommen til!")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitationen er sendt til {address}.")).to_be_visible()
    expect(page.get_by_role("region", name="Åbne invitationer")).to_contain_text(address)
    axe_check(page, "members page with an open invitation")

    link = _link(mail_to(address)[0], live_server + r"/invitations/[\w\-]+")
    context = browser.new_context(base_url=live_server, locale="da-DK")
    invitee = context.new_page()
    try:
        invitee.goto(link)
        expect(invitee.get_by_role("heading", level=1)).to_have_text(
            f"Invitation til {project_name(key)}")
        expect(invitee.locator("dl")).to_contain_text("Ballerup Kommune")
        expect(invitee.locator("dl")).to_contain_text("Fagperson")
        expect(invitee.locator("dl")).to_contain_text("Mette Kjær")
        axe_check(invitee, "invitation")
        invitee.get_by_label("Dit navn").fill("Nanna Ny")
        invitee.get_by_label("Adgangskode").fill(STRONG)
        invitee.get_by_role("button", name=f"Deltag i {project_name(key)}").click()
        expect(invitee.get_by_text(f"Velkommen til {project_name(key)}.")).to_be_visible()
        assert invitee.url.endswith(f"/p/{key}/")
        invitee.goto(link)  # the link worked once
        expect(invitee.get_by_role("heading", name="Invitationen gælder ikke længere")
               ).to_be_visible()
    finally:
        context.close()
    page.goto(f"/p/{key}/members")
    expect(page.get_by_role("region", name="Projektets medlemmer og deres roller")
           ).to_contain_text("Nanna Ny")


def test_a_forgotten_password_is_set_again_in_the_browser(page, make, live_server, mail_to):
    key = make.project({BALLERUP: ["secretariat"]})
    address = make.person(key, "Glemsom Gert", BALLERUP, ["contributor"])
    page.goto("/login")
    page.get_by_role("link", name="Glemt adgangskode?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glemt adgangskode?")
    axe_check(page, "forgot password")
    page.get_by_label("E-mail").fill(address)
    page.get_by_role("button", name="Send mig et link").click()
    expect(page.get_by_text("Hvis en konto har denne adresse")).to_be_visible()
    link = _link(mail_to(address)[0], live_server + r"/password/reset/[\w\-]+")
    page.goto(link)
    axe_check(page, "set a new password")
    page.get_by_label("Ny adgangskode").fill(STRONG)
    page.get_by_role("button", name="Gem adgangskode").click()
    expect(page.get_by_text("Din adgangskode er sat. Alle andre sessioner er logget ud.")
           ).to_be_visible()
    expect(page.get_by_text("Glemsom Gert")).to_be_visible()  # and signed in
    changed = mail_to(address, 2)[1]
    assert changed["Subject"] == "Din adgangskode til Samspil er ændret"
    page.context.clear_cookies()
    sign_in(page, address, STRONG, timeout=30_000)
    expect(page.get_by_text("Glemsom Gert")).to_be_visible()
