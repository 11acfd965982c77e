"""Every area's models in one place, so that SQLAlchemy and Alembic see the whole schema."""
from app.accounts.models import PasswordReset, RecoveryCode, User
from app.api.models import AccessToken
from app.archive.models import ProjectExport
from app.attachments.models import Attachment
from app.audit.models import AuditEvent
from app.backlog.models import BacklogCounter, Comment, Item, ItemHistory, Label, Tombstone
from app.board.models import WipLimit
from app.decisions.models import Decision, DecisionOutcome
from app.digests.models import DigestDelivery, DigestSubscription
from app.discovery.models import (Need, NeedChange, NeedCoSponsor, NeedCounter, NeedItemLink,
                                  NeedNote)
from app.forges.models import DevelopmentLink, ForgeReceiver
from app.funding.models import (Loan, LoanRepayment, NeedEstimate, NeedOrder, Pledge,
                                ProjectBudget)
from app.idempotency.models import IdempotencyKey
from app.invitations.models import Invitation
from app.notifications.models import (Notification, NotificationEmail, NotificationPreference,
                                      ProjectWatchDefault, TextReference, Watch)
from app.organisations.models import Organisation
from app.projects.models import Membership, MembershipRole, Project, ProjectOrganisation
from app.releases.models import DoneCheck, DoneCriterion, Release, ReleaseTester
from app.rounds.models import (Ballot, BallotPoints, EvaluationCriterion, Round, RoundOrder,
                               RoundReminder, Score, ScoreSheet)
from app.sprints.models import Sprint
from app.sso.models import Identity, SignInProvider
from app.value.models import FollowUp
from app.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = ["AccessToken", "Attachment", "AuditEvent", "BacklogCounter", "Ballot", "BallotPoints",
           "Comment", "Decision", "DecisionOutcome", "DevelopmentLink", "DigestDelivery",
           "DigestSubscription", "DoneCheck", "DoneCriterion", "EvaluationCriterion", "FollowUp",
           "ForgeReceiver", "IdempotencyKey", "Identity", "Invitation", "Item", "ItemHistory",
           "Label", "Loan", "LoanRepayment", "Membership", "MembershipRole", "Need", "NeedChange",
           "NeedCoSponsor", "NeedCounter", "NeedEstimate", "NeedItemLink", "NeedNote", "NeedOrder",
           "Notification", "NotificationEmail", "NotificationPreference", "Organisation",
           "PasswordReset", "Pledge", "Project", "ProjectBudget", "ProjectExport",
           "ProjectOrganisation", "ProjectWatchDefault", "RecoveryCode", "Release", "ReleaseTester",
           "Round", "RoundOrder", "RoundReminder", "Score", "ScoreSheet", "SignInProvider",
           "Sprint", "TextReference", "Tombstone", "User", "Watch", "WebhookDelivery",
           "WebhookEndpoint", "WipLimit"]
