"""Demo decisions for `flask demo seed`: OVB's steering group has decided twice this autumn,
once settling an escalated need; the other escalated need still waits in the queue."""
from datetime import timedelta

from sqlalchemy import select

from app.backlog.models import Item
from app.database import utcnow
from app.decisions import services
from app.decisions.models import Outcome
from app.discovery.models import Need
from app.extensions import db

RISK_NEED = "Risikovurdering af systemer i forhold til informationssikkerhed"
REPORT_NEED = "Kvartalsrapport til styregruppen"


def _need(project, title):
    return db.session.scalar(select(Need).where(Need.project_id == project.id,
                                                Need.title == title))


def _first_items(project, n):
    return list(db.session.scalars(select(Item).where(Item.project_id == project.id)
                                   .order_by(Item.number).limit(n)))


def seed_decisions(ctx: dict) -> dict:
    """Three decisions in OVB, recorded by the steering group and the secretariat."""
    project, users = ctx["projects"]["OVB"], ctx["users"]
    today = utcnow().date()
    made = []
    made.append(services.record_decision(
        project, users["sek_community"], decided_on=today - timedelta(days=56),
        title="Leverandørens udviklingsplan for efteråret godkendt",
        text=("Styregruppen godkender Nordlys' plan for de næste tre sprints.\n\n"
              "- Fokus på kontrakter og databehandleraftaler\n"
              "- Sprintdemo for alle kommuner hver anden fredag"),
        items=_first_items(project, 2)))
    report = _need(project, REPORT_NEED)
    made.append(services.record_decision(
        project, users["styregruppe_kbh"], decided_on=today - timedelta(days=28),
        title="Kvartalsrapporten prioriteres i indeværende kvartal",
        text="Sekretariatets kvartalsrapport har høj værdi for styregruppen og prioriteres.",
        needs=[report] if report else []))
    risk = _need(project, RISK_NEED)
    outcomes = []
    if risk is not None and risk.is_escalated:
        outcomes.append(services.OutcomeChoice(
            risk, Outcome.PARKED,
            rationale=("Risikovurderinger hører indtil videre hjemme i kommunernes "
                       "ISMS-værktøjer. Behovet tages op igen, når der er en fælles skala.")))
    made.append(services.record_decision(
        project, users["styregruppe_kbh"], decided_on=today - timedelta(days=7),
        title="Risikovurderinger afventer en fælles skala",
        text=("Styregruppen ønsker ikke, at Overblik rummer risikovurderinger, før kommunerne "
              "er enige om en fælles skala. Sekretariatet undersøger KL's ISMS-skabelon."),
        outcomes=outcomes))
    for decision, days in zip(made, (56, 28, 7)):
        moment = utcnow() - timedelta(days=days)
        decision.created_at = moment
        # The settled needs' history happened at the meeting, not at seeding time.
        for outcome in decision.outcomes:
            need = outcome.need
            for change in need.changes[-2:]:
                change.created_at = moment
            need.status_changed_at = need.updated_at = moment
    db.session.flush()
    return {"decisions": len(made)}
