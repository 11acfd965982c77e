"""Search's part of the benchmark (issue 18): a two-word query across every project the product
owner of the largest project sees, and the backlog's own search box, both over the search index
(10,000 items, 500 needs and their comments from the other areas' seeds)."""
from bench.scenarios import Scenario, _any_member


def search_everything(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", "/search?q=kontrakt+leverand%C3%B8r", None)


def backlog_search(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", "/p/BIG/backlog?q=kontrakt+leverand%C3%B8r", None)


SCENARIOS = [
    Scenario("Search across all my projects, two words", search_everything, target_ms=30,
             target_statements=12),
    Scenario("Backlog search, two words, 3,000 items", backlog_search, target_ms=20),
]
