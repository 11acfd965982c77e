from tests.backlog.conftest import count_statements, in_request, make_item  # noqa: F401
