"""Where the backlog asks the areas above it for what its pages show of them, so that it never
imports them: the needs items serve (discovery; the sprint review asks too), sprint names in
the history (sprints), and where an item may move (the board). Each area plugs its function
in from its `init_app`; until then the answers are empty."""
from sqlalchemy import literal


class NeedsProvider:
    """Which needs items serve."""

    def count_column(self, item_id):
        """A column for a query of items: how many needs the item whose id is the SQL
        expression `item_id` serves (the board reads it with each card, in the same query)."""
        return literal(0)

    def needs_of(self, item) -> list:
        """The needs the item serves (rows with number, title, status), for the item page."""
        return []

    def served_by(self, project, item_ids) -> list:
        """The needs any of these items of the project serve, by number, in one query: rows
        with number, title, status, organisation (the name of the municipality whose need it
        is) and item_ids (those of the given items that serve it), for the sprint review."""
        return []


class SprintsProvider:
    """Sprint names for the item history ("Sprint: Sprint 4 → Sprint 5")."""

    def names(self, ids) -> dict[str, str]:
        """The names of the sprints with these ids (as strings), by id."""
        return {}

    def open_sprint_name(self, sprint_id) -> str | None:
        """The sprint's name if it is planned or running (not closed), else None."""
        return None


class MovesProvider:
    """The "Move to…" choices the item page offers."""

    def targets(self, user, project, status: str) -> list[tuple[str, str]]:
        """Where the user may move an item that is in `status`: (status, kind) in board order."""
        return []


needs = NeedsProvider()
sprints = SprintsProvider()
moves = MovesProvider()
