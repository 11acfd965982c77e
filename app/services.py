"""What every area's services share: the error they raise when a rule refuses a change."""


class RuleViolation(Exception):
    """A business rule refused the change; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
