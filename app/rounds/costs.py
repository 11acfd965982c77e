"""What rounds read from and tell funding: the vendor's current estimates, the remaining
budget of a year, and the orders made. Funding sits below rounds, so these are plain calls."""
from decimal import Decimal

from app.funding import services as funding


def estimates(need_ids) -> dict[int, dict]:
    """Per need with a current estimate: its cost (kroner, the high end) and hours."""
    rows = funding.current_estimates(list(need_ids))
    return {need_id: {"cost": estimate.cost,
                      "hours": (estimate.hours_high if estimate.hours_high is not None
                                else estimate.hours_low),
                      "estimate": estimate}
            for need_id, estimate in rows.items() if estimate is not None}


def remaining_budget(project, year: int) -> Decimal | None:
    """The coordination group's budget left this year; None when it has set none."""
    return funding.remaining_budget(project, year)


def record_order(actor, need, amount: Decimal, *, year: int, round_id: int, position: int):
    return funding.record_order(actor, need, amount, year=year, round_id=round_id,
                                position=position)
