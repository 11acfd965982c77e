"""Import every area's models so that SQLAlchemy and Alembic see the whole schema."""
from app.accounts.models import User  # noqa: F401
from app.organisations.models import Organisation  # noqa: F401
from app.projects.models import Membership, MembershipRole, Project, ProjectOrganisation  # noqa: F401
from app.audit.models import AuditEvent  # noqa: F401
from app.discovery.models import Need, NeedChange, NeedCoSponsor, NeedCounter, NeedNote  # noqa: F401
from app.digests.models import DigestDelivery, DigestSubscription  # noqa: F401
from app.backlog.models import BacklogCounter, Comment, Item, ItemHistory, Label  # noqa: F401
from app.board.models import WipLimit  # noqa: F401
