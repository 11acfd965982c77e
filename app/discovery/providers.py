"""Where discovery asks the areas above it for what its pages show of them, so that it never
imports them: the evaluation totals of needs (rounds) for the needs list's column, sort and
filter. The area plugs its function in from its `init_app`; until then there is none."""


class EvaluationProvider:
    """Each need's evaluation total (the weighted mean of the municipalities' score sheets)."""

    #: Whether an area scores needs (asked by every needs list: cheaper than a subquery).
    evaluates = False

    def plug(self, totals_subquery) -> None:
        """The area that scores needs gives its `totals_subquery`."""
        self.totals_subquery = totals_subquery
        self.evaluates = True

    def totals_subquery(self, project_id):
        """A subquery with columns need_id and total (a float 1–5) for the scored needs of the
        project `project_id` (an id, or a bound parameter), or None when no area evaluates
        needs."""
        return None


evaluation = EvaluationProvider()
