"""Who may delete an attachment: its uploader (while a member) and the secretariat, unless the
container's area says otherwise (`Container.may_delete`)."""
from app.projects.models import Role
from app.projects.permissions import has_any_role, is_member


def can_delete_attachment(user, project, spec, container, attachment) -> bool:
    if spec.may_delete is not None:
        return spec.may_delete(user, container, attachment)
    if has_any_role(user, project, Role.SECRETARIAT):
        return True
    return attachment.uploaded_by_id == user.id and is_member(user, project)
