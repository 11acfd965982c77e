from tests.backlog.conftest import _english, count_statements, in_request, make_item  # noqa: F401
