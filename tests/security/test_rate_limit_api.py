"""The JSON API is rate limited per token (and per address for requests without one): a busy
token is refused with 429 as problem details, while other tokens go on."""
from tests.api.conftest import bearer_for

ON = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
      "API_LIMIT_PER_TOKEN": "3 per minute"}


def test_each_token_has_its_own_limit(make_app, world):
    one = bearer_for(world.users["developer"], [world.project_a])
    other = bearer_for(world.users["observer"], [world.project_a])
    client = make_app(**ON).test_client()
    for _ in range(3):
        assert client.get("/api/v1/projects", headers=one).status_code == 200
    refused = client.get("/api/v1/projects", headers=one)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.json["title"] == "Too many requests"
    assert client.get("/api/v1/projects", headers=other).status_code == 200


def test_guessing_tokens_is_limited_per_address(make_app, world):
    client = make_app(**ON).test_client()
    for n in range(3):
        guess = {"Authorization": f"Bearer smp_guess{n}"}
        assert client.get("/api/v1/projects", headers=guess).status_code == 401
    assert client.get("/api/v1/projects",
                      headers={"Authorization": "Bearer smp_guess9"}).status_code == 429
