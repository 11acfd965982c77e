"""Demo invitations: one waiting for an answer in OVB, made through the service (no e-mail is
sent while seeding; the secretariat can send it again from the members page)."""
from app.invitations.services import invite
from app.projects.models import Role


def seed_invitations(ctx: dict) -> dict:
    """Ballerup's secretariat has invited a colleague from Sorø as a contributor."""
    invite(ctx["projects"]["OVB"], ctx["users"]["po_ballerup"], "digitalisering@soro.example",
           ctx["orgs"]["soro"], [Role.CONTRIBUTOR],
           message="Vi glæder os til at høre Sorøs behov for porteføljeoverblikket.")
    return {"invitations": 1}
