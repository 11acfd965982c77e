"""What every area's services share: the errors they raise when a change is refused."""
import re

from flask_babel import gettext as _


class RuleViolation(Exception):
    """A business rule refused the change; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class StaleVersion(RuleViolation):
    """Someone else changed the row since the client saw it; nothing was written (409)."""

    def __init__(self, message: str | None = None, field: str | None = None):
        super().__init__(message or _("Someone else changed this meanwhile; review it and try "
                                      "again."), field, status=409)


# Characters XML 1.0 cannot carry (the Atom feed), PostgreSQL refuses (NUL), and nobody means
# to type; tabs and line ends stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: str | None, field: str | None = None, limit: int | None = None) -> str:
    """Text as its writer meant it: Windows line ends made plain, stray control characters
    removed, surrounding space stripped; longer than `limit` is refused beside `field`."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
    if limit is not None and len(text) > limit:
        raise RuleViolation(_("The text can have at most %(n)d characters.", n=limit), field)
    return text
