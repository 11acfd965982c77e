"""What the invitation pages show: the panel on the members page, the page that opens from the
link, and the outcome of sending (including the note about an unusual domain)."""
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.invitations import emails, queries
from app.invitations.forms import AcceptForm, InviteForm
from app.projects import pages as project_pages
from app.projects.forms import ROLE_LABELS
from app.projects.permissions import can_manage_members
from app.services import RuleViolation
from app.web import error_page


def invite_form(project, form: InviteForm | None = None) -> InviteForm:
    """The invitation form with the organisations taking part to choose from."""
    form = form or InviteForm(prefix="invite")
    form.organisation_id.choices = [(p.organisation_id, p.organisation.name)
                                    for p in project_pages.participations(project)]
    return form


def panel(project, form: InviteForm | None = None, prefill: dict | None = None) -> dict:
    """The members page's invitation panel (for those who manage members), else nothing.
    `prefill` (e-mail, roles) starts the form from an address "Add a member" did not know."""
    if not can_manage_members(current_user, project):
        return {"can_invite": False}
    if form is None and prefill:
        form = InviteForm(prefix="invite", formdata=None, email=prefill.get("email"),
                          roles=prefill.get("roles") or [])
    return {"can_invite": True, "form": invite_form(project, form),
            "rows": queries.open_invitations(project), "prefilled": bool(prefill)}


def members_page(project, form: InviteForm, status: int):
    """The members page again, with the refused invitation's form and its errors."""
    return project_pages.members_page(project, status=status, invites=panel(project, form))


def role_names(roles) -> str:
    return ", ".join(str(ROLE_LABELS.get(r, r)) for r in sorted(roles))


def sent_message(invited, actor) -> tuple[str, str]:
    """Send the e-mail of an invitation just committed; the flash message and its kind."""
    if invited.membership is not None:
        user = invited.membership.user
        if emails.send_added(invited.membership, actor):
            return _("%(name)s already had an account and is now a member; we told them by "
                     "e-mail.", name=user.name), "success"
        return _("%(name)s already had an account and is now a member, but the e-mail telling "
                 "them could not be sent.", name=user.name), "warning"
    invitation = invited.invitation
    if not emails.send_invitation(invitation, invited.token):
        return _("The invitation of %(email)s is saved, but the e-mail could not be sent. Send "
                 "it again from the list of invitations.", email=invitation.email), "warning"
    message = _("The invitation is sent to %(email)s.", email=invitation.email)
    if invited.other_domain:
        message += " " + other_domain_note(invitation)
    return message, "success"


def other_domain_note(invitation) -> str:
    return _("Note: %(domain)s is not the e-mail domain people of %(org)s usually have.",
             domain=invitation.email.rpartition("@")[2], org=invitation.organisation.name)


def resent_message(invitation, token: str) -> tuple[str, str]:
    if emails.send_invitation(invitation, token):
        return _("The invitation is sent again to %(email)s; the earlier link no longer "
                 "works.", email=invitation.email), "success"
    return _("A new link is made for %(email)s, but the e-mail could not be sent. Try again "
             "later.", email=invitation.email), "warning"


def link_refused(refusal: RuleViolation):
    """The page for a link that names no invitation (404) or one that is no longer open
    (410), or whose address has an account meanwhile (409)."""
    titles = {404: _("Invitation not found"), 409: _("You already have an account"),
              410: _("Invitation no longer valid")}
    return error_page(refusal.status, titles.get(refusal.status, _("Invitation")),
                      refusal.message)


def accept_page(invitation, token: str, form: AcceptForm | None = None, status: int = 200):
    """Who invites whom, where, as what; and the form to join."""
    form = form or AcceptForm(locale=invitation.locale)
    return render_template("invitations/accept.html", invitation=invitation, form=form,
                           token=token, roles=role_names(invitation.roles),
                           action=url_for("invitations.accept", token=token)), status
