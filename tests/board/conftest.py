from tests.backlog.conftest import _english, in_request, make_item  # noqa: F401
