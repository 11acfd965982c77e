"""Operations: with LOG_FORMAT=json one JSON line per request, carrying the request id the
error page shows; /metrics in Prometheus's format for the holder of METRICS_TOKEN only."""
import json
import logging
import re

from app.observability import JsonFormatter

TOKEN = "metrics-token-for-the-test-only"


def test_one_json_line_per_request_with_the_request_id_the_500_page_shows(make_app, caplog):
    app = make_app(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    caplog.set_level(logging.INFO, logger="samspil.requests")
    page = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert page.status_code == 500
    records = [r for r in caplog.records if r.name == "samspil.requests"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == page.headers["X-Request-ID"]
    assert line["request_id"] in page.get_data(as_text=True)
    assert line["status"] == 500 and line["endpoint"] == "boom" and line["user_id"] is None
    assert isinstance(line["duration_ms"], float) and isinstance(line["statements"], int)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", line["time"])


def test_no_request_lines_without_log_format_json(make_app, caplog):
    app = make_app(LOG_FORMAT="")
    caplog.set_level(logging.INFO, logger="samspil.requests")
    app.test_client().get("/healthz")
    assert not [r for r in caplog.records if r.name == "samspil.requests"]


def test_metrics_answer_only_the_holder_of_the_token(make_app, world, login):
    app = make_app(METRICS_TOKEN=TOKEN)
    client = app.test_client()
    client.get("/healthz")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    assert re.search(r'samspil_http_requests_total\{endpoint="main.healthz",method="GET",'
                     r'status="200"\} [1-9]', text)
    for name in ("samspil_http_request_duration_seconds_bucket",
                 "samspil_sql_statements_per_request_bucket"):
        assert f'{name}{{endpoint="main.healthz"' in text


def test_without_a_token_there_is_no_metrics_page(make_app):
    assert make_app(METRICS_TOKEN="").test_client().get("/metrics").status_code == 404
