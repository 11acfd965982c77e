"""Who may do what in the coordination group's round: every member reads criteria, scores,
rounds and results; the secretariat edits the criteria, opens, closes and orders; only product
owners of participating municipalities score and vote, on behalf of their own municipality
(a vendor never votes)."""
from app.discovery.permissions import acts_for_participating_municipality
from app.projects.models import Role
from app.projects.permissions import has_any_role


def can_manage_rounds(user, project) -> bool:
    """Edit the criteria, open and close rounds, order needs: the secretariat."""
    return has_any_role(user, project, Role.SECRETARIAT)


def can_score_and_vote(user, project) -> bool:
    return (has_any_role(user, project, Role.PRODUCT_OWNER)
            and acts_for_participating_municipality(user, project))
