"""Demo decisions: OVB's steering group has decided four times this autumn, once settling an
escalated need and once replacing an earlier plan; a proposal waits for the next meeting, and
the other escalated need still waits in the queue."""
from datetime import timedelta

from sqlalchemy import select

from app.backlog.models import Item
from app.decisions import services
from app.decisions.models import DecisionState, DecisionType, Outcome
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
    """Five decisions in OVB, recorded by the steering group and the secretariat on the day
    they were made: typed, one superseding an earlier plan, the newest still a proposal."""
    project, users, now = ctx["projects"]["OVB"], ctx["users"], ctx["now"]

    def decide(recorder: str, days_ago: int, **decision):
        moment = now - timedelta(days=days_ago)
        return services.record_decision(project, users[recorder], decided_on=moment.date(),
                                        at=moment, **decision)

    autumn = decide("sek_community", 56,
                    fields=services.RecordFields(DecisionType.OPERATIONAL),
                    title="Leverandørens udviklingsplan for efteråret godkendt",
                    text=("Styregruppen godkender Nordlys' plan for de næste tre sprints.\n\n"
                          "- Fokus på kontrakter og databehandleraftaler\n"
                          "- Sprintdemo for alle kommuner hver anden fredag"),
                    items=_first_items(project, 2))
    report = _need(project, REPORT_NEED)
    decide("styregruppe_kbh", 28,
           fields=services.RecordFields(DecisionType.STRATEGIC, consequences=(
               "Nordlys flytter to uger fra importen til kvartalsrapporten; importen fra Kitos "
               "rykker tilsvarende.")),
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
           outcomes=outcomes, fields=services.RecordFields(DecisionType.STRATEGIC))
    decide("sek_community", 3,
           fields=services.RecordFields(
               DecisionType.OPERATIONAL, supersedes=(autumn,),
               consequences="Efterårsplanen gælder ikke længere; sprintdemoerne fortsætter."),
           title="Leverandørens udviklingsplan for vinteren godkendt",
           text=("Styregruppen godkender Nordlys' plan for de næste fire sprints, som afløser "
                 "efterårsplanen.\n\n- Import fra Kitos\n- Kvartalsrapport til styregruppen"))
    decide("styregruppe_kbh", 1,
           fields=services.RecordFields(
               DecisionType.ARCHITECTURE, DecisionState.PROPOSED,
               consequences="Alle integrationer skal bruge OS2's fælles API-gateway."),
           title="Integrationer går gennem den fælles API-gateway",
           text="Forslag fra sekretariatet; behandles på næste styregruppemøde.")
    return {"decisions": 5}
