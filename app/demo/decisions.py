"""Demo decisions: OVB's steering group has decided three times this autumn, once settling an
escalated need; the other escalated need still waits in the queue."""
from datetime import timedelta

from sqlalchemy import select

from app.backlog.models import Item
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
    """Three decisions in OVB, recorded by the steering group and the secretariat on the day
    they were made."""
    project, users, now = ctx["projects"]["OVB"], ctx["users"], ctx["now"]

    def decide(recorder: str, days_ago: int, **decision):
        moment = now - timedelta(days=days_ago)
        return services.record_decision(project, users[recorder], decided_on=moment.date(),
                                        at=moment, **decision)

    decide("sek_community", 56,
           title="Leverandørens udviklingsplan for efteråret godkendt",
           text=("Styregruppen godkender Nordlys' plan for de næste tre sprints.\n\n"
                 "- Fokus på kontrakter og databehandleraftaler\n"
                 "- Sprintdemo for alle kommuner hver anden fredag"),
           items=_first_items(project, 2))
    report = _need(project, REPORT_NEED)
    decide("styregruppe_kbh", 28,
           title="Kvartalsrapporten prioriteres i indeværende kvartal",
           text="Sekretariatets kvartalsrapport har høj værdi for styregruppen og prioriteres.",
           needs=[report] if report else [])
    risk = _need(project, RISK_NEED)
    outcomes = []
    if risk is not None and risk.is_escalated:
        outcomes.append(services.OutcomeChoice(
            risk, Outcome.PARKED,
            rationale=("Risikovurderinger hører indtil videre hjemme i kommunernes "
                       "ISMS-værktøjer. Behovet tages op igen, når der er en fælles skala.")))
    decide("styregruppe_kbh", 7,
           title="Risikovurderinger afventer en fælles skala",
           text=("Styregruppen ønsker ikke, at Overblik rummer risikovurderinger, før kommunerne "
                 "er enige om en fælles skala. Sekretariatet undersøger KL's ISMS-skabelon."),
           outcomes=outcomes)
    return {"decisions": 3}
