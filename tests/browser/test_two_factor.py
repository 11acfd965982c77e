"""Two-factor sign-in in a real browser: a person sets up an authenticator app from the
settings (the QR code drawn on the server, the key in text), confirms with a code computed
here by pyotp as the phone would, signs out, and signs in again with the password and a
code; and the demo person with two-factor sign-in is asked for a code."""
import re
import time

import pyotp

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, axe_check, sign_in


def password_step(page, email):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_enrol_and_sign_in_with_a_code(page):
    sign_in(page, "fag@bronderslev.example")
    page.goto("/settings")
    page.get_by_role("link", name="Administrér totrinslogin").click()
    page.get_by_role("button", name="Sæt totrinslogin op").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    axe_check(page, "two-factor set-up")
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Kode").fill(totp.now())
    page.get_by_role("button", name="Bekræft og slå til").click()
    expect(page.get_by_role("heading", name="Dine gendannelseskoder")).to_be_visible()
    codes = re.findall(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}",
                       page.locator(".recovery-codes").inner_text())
    assert len(codes) == 10
    axe_check(page, "recovery codes")
    page.get_by_role("button", name="Log ud").click()

    password_step(page, "fag@bronderslev.example")
    page.wait_for_url("**/login/code")
    axe_check(page, "code page")
    page.get_by_label("Kode").fill("12345")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_text("Koden har 6 cifre; du indtastede 5.")).to_be_visible()
    # The next time-step's code: accepted (clock drift) and later than the one just used.
    page.get_by_label("Kode").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("heading", name="Mine projekter")).to_be_visible()


def test_the_demo_person_with_two_factor_is_asked_for_a_code(page):
    from app.demo.two_factor import DEMO_TWO_FACTOR_SECRET

    password_step(page, "fag@soro.example")
    page.wait_for_url("**/login/code")
    page.get_by_label("Kode").fill(pyotp.TOTP(DEMO_TWO_FACTOR_SECRET).at(time.time() + 30))
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("heading", name="Mine projekter")).to_be_visible()
