"""A test municipality's sign-off as a container of attachments (its test report, screenshots):
every member sees them; the municipality's product owner attaches while the release is in
test. The audit log records uploads and deletions."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.attachments import Container, register_container
from app.projects.loaders import get_by_id
from app.releases.models import ReleaseState, ReleaseTester
from app.releases.permissions import can_sign_off


def _sign_off(project, ident):
    tester = get_by_id(ReleaseTester, ident)
    return tester if tester is not None and tester.release.project_id == project.id else None


def _may_attach(user, tester) -> bool:
    return (tester.release.state == ReleaseState.IN_TEST
            and can_sign_off(user, tester.release.project, tester.organisation_id))


def register() -> None:
    register_container(Container(
        kind="signoff", label=_l("sign-off"), load=_sign_off, may_attach=_may_attach,
        page_url=lambda t: url_for("releases.show", key=t.release.project.key,
                                   number=t.release.number)))
