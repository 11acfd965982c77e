"""Funding's part of the steering group's digest: pledges made in the period, the approved
needs still short of money, and how much of this year's budget the orders use."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.clock import local_date
from app.digests.registry import DigestContext, Figure, Item, Section, digest_section, first_rows
from app.funding import services
from app.funding.models import Pledge
from app.i18n import format_money
from app.projects.models import Role

@digest_section("funding", roles={Role.STEERING, Role.SECRETARIAT}, order=47, shared=True)
def funding(ctx: DigestContext) -> Section | None:
    """New pledges of the period, open funding gaps and the budget used this year."""
    project, key = ctx.project, ctx.project.key
    pledges, n_pledges = first_rows(select(Pledge).where(
        Pledge.project_id == project.id, Pledge.created_at >= ctx.period_start,
        Pledge.created_at < ctx.period_end).order_by(Pledge.created_at, Pledge.id)
        .options(selectinload(Pledge.organisation), selectinload(Pledge.need)), ctx.limit)
    gaps = services.funding_gaps(project)
    year = local_date(ctx.period_end).year
    budget = services.budget_of(project, year)
    if not (n_pledges or gaps or budget):
        return None
    items = [Item(text=_("%(org)s pledged %(amount)s to #%(number)d %(title)s",
                         org=p.organisation.name, amount=format_money(p.amount),
                         number=p.need.number, title=p.need.title),
                  link=url_for("discovery.show", key=key, number=p.need.number),
                  status=str(services.PLEDGE_STATUS_LABELS[p.status]), tone="ok")
             for p in pledges]
    items += [Item(text=f"#{need.number} {need.title}", status=_("Crowdfunding needed"),
                   tone="warn", meta=_("Gap %(amount)s", amount=format_money(f.gap)),
                   link=url_for("discovery.show", key=key, number=need.number))
              for need, f in gaps[:max(0, ctx.limit - len(pledges))]]
    figures = [Figure(_("New pledges"), n_pledges), Figure(_("Funding gaps"), len(gaps))]
    if budget is not None:
        ordered = services.ordered_total(project, year)
        figures.append(Figure(_("Budget used in %(year)d", year=year), _(
            "%(ordered)s of %(budget)s", ordered=format_money(ordered),
            budget=format_money(budget.amount))))
    return Section(title=_("Funding"), items=items, figures=figures,
                   total=n_pledges + len(gaps), more_link=url_for("funding.index", key=key))
