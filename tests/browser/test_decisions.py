"""The decision log in the browser: the queue, searching the log in place, recording a decision
that settles the escalated need, and the decision on the need's page — checked with axe-core.
Each test escalates a need and records decisions in a project of its own."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

ROSKILDE = "fag@roskilde.example"
STEERING = "styregruppe@kobenhavn.example"
WAITING = "Økonomioverblik: licens- og driftsudgifter pr. system og forvaltning"
QUESTION = "Skal Aarhus' tilbud om medfinansiering tages imod?"


def test_searching_the_log_in_place(page, make):
    key = make.project({ROSKILDE: ["contributor"], STEERING: ["steering"]})
    make.need(key, WAITING, ROSKILDE, escalation=QUESTION)
    make.decision(key, "Risikovurderinger afventer en fælles skala", STEERING)
    make.decision(key, "Kitos-integrationen prioriteres i næste kvartal", STEERING)
    sign_in(page, ROSKILDE)
    page.goto(f"/p/{key}/decisions")
    expect(page.get_by_role("heading", name="Beslutninger", exact=True)).to_be_visible()
    expect(page.locator("#decision-queue")).to_contain_text(WAITING)
    expect(page.get_by_role("button", name="Registrér beslutningen")).to_have_count(0)
    axe_check(page, "decisions, read-only")
    page.evaluate("window.__samePage = true")
    page.get_by_label("Søg", exact=True).fill("skala")
    log = page.locator("#decision-log")
    expect(log).to_contain_text("1 beslutning")
    expect(log.get_by_role("link",
                           name="Risikovurderinger afventer en fælles skala")).to_be_visible()
    expect(log.get_by_role("link", name=re.compile("Kitos-integrationen"))).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=skala"))
    assert page.evaluate("window.__samePage") is True
    axe_check(page, "decisions, searched")


def test_the_steering_group_records_a_decision(page, make):
    key = make.project({ROSKILDE: ["contributor"], STEERING: ["steering"]})
    make.need(key, WAITING, ROSKILDE, escalation=QUESTION)
    number = make.item(key, "Økonomioverblik pr. system", ROSKILDE)
    sign_in(page, STEERING)
    page.goto(f"/p/{key}/decisions")
    page.get_by_text("Registrér en beslutning truffet af styregruppen").click()
    axe_check(page, "decision form open")
    page.get_by_label("Titel").fill("Økonomioverblik planlægges i næste sprint")
    page.get_by_label("Beslutningstekst").fill("Aarhus' tilbud om **medfinansiering** tages imod.")
    page.get_by_label("Udfald", exact=True).select_option("approved")
    items = page.get_by_label("Backlogpunkter, beslutningen vedrører (valgfrit)")
    items.fill(f"{key}-99999")
    page.get_by_role("button", name="Registrér beslutningen").click()
    expect(page.get_by_text(f"Der er intet punkt {key}-99999.")).to_be_visible()
    expect(page.get_by_label("Udfald", exact=True)).to_have_value("approved")
    axe_check(page, "decision form refused")

    items.fill(f"{key}-{number}")
    page.get_by_role("button", name="Registrér beslutningen").click()
    expect(page.get_by_role("heading", level=1,
                            name="Økonomioverblik planlægges i næste sprint")).to_be_visible()
    expect(page.get_by_text("Beslutningen er registreret.")).to_be_visible()
    expect(page.locator("strong", has_text="medfinansiering")).to_be_visible()
    axe_check(page, "decision page")

    page.get_by_role("link", name=re.compile(re.escape(WAITING))).click()
    decisions = page.locator("#need-decisions")
    expect(decisions.get_by_role("link",
                                 name="Økonomioverblik planlægges i næste sprint")).to_be_visible()
    axe_check(page, "need page with its decision")
    page.goto(f"/p/{key}/decisions")
    expect(page.locator("#decision-queue")).to_contain_text("Ingen behov venter på en beslutning.")
