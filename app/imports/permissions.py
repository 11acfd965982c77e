"""Who may import into a project.

- Items (Jira, GitHub): the secretariat, who keeps order in the project, and the delivery
  lead, who brings the vendor's backlog along; both may create items anyway
  (app.backlog.permissions.can_edit_items).
- Needs (a spreadsheet): the secretariat, who collects the municipalities' needs on their
  behalf; the needs keep their municipality as submitter.
- Site administrators administer projects but take no part in their work: they do not import.
"""
from app.backlog.permissions import can_edit_items
from app.projects.models import Project, Role
from app.projects.permissions import has_any_role


def can_import_items(user, project: Project) -> bool:
    return (has_any_role(user, project, Role.SECRETARIAT, Role.DELIVERY_LEAD)
            and can_edit_items(user, project))


def can_import_needs(user, project: Project) -> bool:
    return has_any_role(user, project, Role.SECRETARIAT)
