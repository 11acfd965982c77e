from tests.backlog.conftest import count_statements  # noqa: F401
