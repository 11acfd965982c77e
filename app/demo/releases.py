"""Demo releases and the definition of done: the developer ticks the checklist on every item
as it goes to acceptance (explaining, once per project, a point not met); OVB has released
version 1.4, tested and signed off by Ballerup and Aarhus, and 1.5 is in test with Ballerup's
approval in and Aarhus' still to come."""
from datetime import timedelta

from sqlalchemy import select

from app.backlog.models import Item, Status
from app.extensions import db
from app.releases import services
from app.releases.models import DoneCheck

EXPLANATION = ("Ændringen rører ingen personoplysninger, så der er ikke noget nyt at logge; "
               "vurderet sammen med Ballerups DPO.")


def tick_done(item, actor, at=None) -> None:
    """The vendor's answer to the definition of done as the item goes to acceptance; the
    project's first item leaves the logging point unmet, with the explanation."""
    if item.status not in (Status.IN_PROGRESS, Status.REVIEW, Status.ACCEPTANCE):
        return
    explained = _has_explanation(item.project_id)
    answers = [services.Answer(criterion, explained or n != 3, "" if explained or n != 3
                               else EXPLANATION)
               for n, criterion in enumerate(services.definition_of_done(item.project), 1)]
    services.check_done(item, actor, answers, at=at)


def _has_explanation(project_id: int) -> bool:
    return db.session.scalar(
        select(DoneCheck.id).join(Item, Item.id == DoneCheck.item_id)
        .where(Item.project_id == project_id, DoneCheck.is_met.is_(False)).limit(1)) is not None


def seed_releases(ctx: dict) -> dict:
    """OVB's releases: 1.4 released three weeks after its test, 1.5 in test now."""
    project, users, now = ctx["projects"]["OVB"], ctx["users"], ctx["now"]
    lead, secretariat = users["lead_nordlys"], users["sek_community"]
    ballerup, aarhus = ctx["orgs"]["ballerup"], ctx["orgs"]["aarhus"]
    # The most recently accepted work, split between the two versions.
    candidates = sorted(services.candidate_items(project), key=lambda item: item.accepted_at)
    candidates = candidates[-12:]
    if len(candidates) < 2:
        return {"releases": 0}
    half = len(candidates) // 2
    day = now.date()

    older = services.create_release(
        project, lead, name="1.4", planned_on=day - timedelta(days=14),
        test_from=day - timedelta(days=24), test_to=day - timedelta(days=17),
        at=now - timedelta(days=30))
    services.set_items(older, lead, [i.id for i in candidates[:half]], version=older.version_id)
    services.set_testers(older, lead, [ballerup.id, aarhus.id], version=older.version_id)
    services.change_state(older, lead, "in_test", version=older.version_id,
                          at=now - timedelta(days=24))
    services.sign_off(older, users["po_ballerup"], ballerup.id, version=older.version_id,
                      decision="approved", text="Testet i drift hos Ballerup uden fejl.",
                      at=now - timedelta(days=19))
    services.sign_off(older, users["po_aarhus"], aarhus.id, version=older.version_id,
                      decision="approved_with_remarks",
                      text="Eksporten virker; kolonnen for udløbsdato bør hedde det samme som i "
                           "Kitos.", at=now - timedelta(days=18))
    services.change_state(older, secretariat, "accepted", version=older.version_id,
                          at=now - timedelta(days=17))
    services.change_state(older, lead, "released", version=older.version_id,
                          at=now - timedelta(days=14))

    current = services.create_release(
        project, lead, name="1.5", planned_on=day + timedelta(days=10),
        test_from=day - timedelta(days=2), test_to=day + timedelta(days=7),
        at=now - timedelta(days=5))
    services.set_items(current, lead, [i.id for i in candidates[half:]],
                       version=current.version_id)
    services.set_testers(current, lead, [ballerup.id, aarhus.id], version=current.version_id)
    services.change_state(current, lead, "in_test", version=current.version_id,
                          at=now - timedelta(days=2))
    services.sign_off(current, users["po_ballerup"], ballerup.id, version=current.version_id,
                      decision="approved", text="Ser fint ud hos os.",
                      at=now - timedelta(hours=20))
    return {"releases": 2}
