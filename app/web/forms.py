"""Forms and the request's transaction: a service's change is committed once, or refused and
shown beside the field it concerns with nothing saved."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services import RuleViolation, StaleVersion


@dataclass(frozen=True)
class Outcome:
    """What became of a request's change: its `value`, or the `refusal` (nothing saved)."""

    value: Any = None
    refusal: RuleViolation | None = None
    invalid: bool = False  # the form did not validate; its fields carry the errors

    @property
    def ok(self) -> bool:
        return self.refusal is None and not self.invalid

    @property
    def status(self) -> int:
        """The answer's status: 200, 422 for an invalid form, else the refusal's own."""
        if self.refusal is not None:
            return self.refusal.status
        return 422 if self.invalid else 200

    @property
    def stale(self) -> bool:
        """Someone else changed the row since the client saw it."""
        return isinstance(self.refusal, StaleVersion)


def attempt(action: Callable[[], Any], stale: str | None = None) -> Outcome:
    """Run `action` (a service call that flushes) as the request's one transaction: commit
    when it succeeds; when a rule refuses it, or the row's version moved on meanwhile
    (StaleDataError at flush; the message `stale`), roll back and return the refusal."""
    try:
        value = action()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return Outcome(refusal=StaleVersion(stale))
    except RuleViolation as exc:
        db.session.rollback()
        return Outcome(refusal=exc)
    return Outcome(value=value)


def submit(form, action: Callable[[], Any], field: str | None = None,
           stale: str | None = None) -> Outcome:
    """A form's POST: invalid (422) unless it validates; else `attempt(action)`, and a refusal
    is put beside the field it names, or `field`."""
    if not form.validate_on_submit():
        return Outcome(invalid=True)
    outcome = attempt(action, stale)
    if outcome.refusal is not None:
        attach_refusal(form, outcome.refusal, field)
    return outcome


def attach_refusal(form, refusal: RuleViolation, default: str | None = None) -> None:
    """Show a service's refusal beside the form field it names, else beside `default`, else
    among the form's own errors."""
    name = next((n for n in (refusal.field, default) if n and n in form), None)
    if name is None:
        form.form_errors.append(refusal.message)
    else:
        form[name].errors = [*form[name].errors, refusal.message]
