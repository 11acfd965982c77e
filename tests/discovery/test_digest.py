"""The needs section of the digest: what happened to needs in the period, for the
municipalities and the steering group."""
from datetime import timedelta

from app.database import utcnow
from app.digests.services import collect_sections, render_digest
from app.discovery import services
from app.discovery.models import NeedStatus as S
from app.extensions import db
from app.projects.models import Role


def _section(disc, role, days=7):
    now = utcnow() + timedelta(seconds=1)
    user = disc.world.users[role]
    sections = collect_sections(user, disc.project, {role}, "weekly", now - timedelta(days=days),
                                now)
    return next((s for s in sections if s.key == "needs"), None)


def test_the_week_of_needs_in_the_digest(disc):
    services.cosponsor(disc.need, disc.contributor, "Vigtigt")
    other = services.create_need(disc.project, disc.po, title="Kontraktpåmindelser",
                                 background="b", desired_outcome="d", expected_value="e")
    services.set_status(other, S.DECLINED, actor=disc.po, rationale="Dækkes af Kitos")
    db.session.commit()
    section = _section(disc, "steering")
    texts = [(i.text, i.status, i.meta) for i in section.items]
    assert ("#1 Overblik over databehandleraftaler", "Ny", "Indsendt af Aarhus Kommune") in texts
    assert ("#1 Overblik over databehandleraftaler", "Medstøttet",
            "Støttet af Ballerup Kommune") in texts
    assert ("#2 Kontraktpåmindelser", "Afvist", "Dækkes af Kitos") in texts
    assert [(f.label, f.value) for f in section.figures] == [
        ("Nye behov", 2), ("Nye støtter", 1), ("Beslutninger om behov", 1)]
    assert section.items[0].link == "/p/ALPHA/needs/1"


def test_nothing_new_means_no_section_and_the_vendor_does_not_get_it(disc):
    assert _section(disc, "developer") is None
    old = utcnow() - timedelta(days=30)
    disc.need.created_at = old
    disc.need.changes[0].created_at = old
    db.session.commit()
    assert _section(disc, "steering") is None


def test_the_digest_email_renders_the_needs(disc):
    rendered = render_digest(disc.world.users["steering"], disc.project, {Role.STEERING},
                             "weekly", utcnow() - timedelta(days=7),
                             utcnow() + timedelta(seconds=1))
    assert "Overblik over databehandleraftaler" in rendered.text
    assert "/p/ALPHA/needs/1" in rendered.html


def test_a_need_decided_by_the_steering_group_names_the_decision_in_the_readers_language(disc):
    from datetime import date

    from app.decisions.services import OutcomeChoice, record_decision

    steering = disc.world.users["steering"]
    for status in (S.IN_DISCOVERY, S.READY):
        services.set_status(disc.need, status, actor=disc.po)
    services.escalate(disc.need, disc.po, "Skal vi i gang nu?")
    record_decision(disc.project, steering, decided_on=date.today(), title="Vi går i gang",
                    outcomes=[OutcomeChoice(disc.need, "approved", S.PLANNED)])
    for locale, note in (("en", "Decided by the steering group: Vi går i gang"),
                         ("da", "Besluttet af styregruppen: Vi går i gang")):
        steering.locale = locale
        db.session.commit()
        texts = [(i.status, i.meta) for i in _section(disc, "steering").items]
        assert (("Planned" if locale == "en" else "Planlagt"), note) in texts, texts
