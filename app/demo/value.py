"""Demo benefit realisation: the needs OVB delivered got their follow-ups when they were
delivered (the seed goes through discovery's services, and this area hears of it); Aarhus has
answered its due ones, Ballerup's and Roskilde's still wait, and the reminders went out."""
from datetime import timedelta

from sqlalchemy import select

from app.clock import local_today
from app.extensions import db
from app.value import services
from app.value.models import FollowUp

ANSWERS = {
    "Besked når en databehandler skifter underdatabehandler": services.Answer(
        "Varslerne lander nu hos systemejeren og DPO'en samme dag. Vi har gjort indsigelse i "
        "to sager, som vi tidligere ville have overset.", "as", "3", "indsigelser pr. halvår"),
    "Samlet overblik over databehandleraftaler pr. system": services.Answer(
        "Overblikket bruges, men kun halvdelen af systemerne er registreret endnu, så "
        "gevinsten er mindre end ventet. Vi forventer at nå i mål inden næste opfølgning.",
        "below", "12,5", "timer sparet pr. kvartal"),
}


def seed_value(ctx: dict) -> dict:
    """Aarhus answers its due follow-ups a week after they fell due; the others are reminded."""
    users, now = ctx["users"], ctx["now"]
    aarhus = users["po_aarhus"]
    today = local_today(now)
    due = list(db.session.scalars(select(FollowUp).where(FollowUp.due_on <= today)
                                  .order_by(FollowUp.due_on, FollowUp.id)))
    answered = 0
    for follow_up in due:
        answer = ANSWERS.get(follow_up.need.title)
        if follow_up.organisation_id == aarhus.organisation_id and answer is not None:
            moment = now - timedelta(days=max(0, (today - follow_up.due_on).days - 7))
            services.record_answer(follow_up, aarhus, answer, at=moment)
            answered += 1
        else:
            services.remind(follow_up.id, now - timedelta(days=(today - follow_up.due_on).days))
    return {"follow-ups": db.session.query(FollowUp).count(), "answered follow-ups": answered}
