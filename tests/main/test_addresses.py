"""The addresses pages link to are those Flask builds, kept per request root (KeptAddresses in
app/web/navigation.py)."""
from flask import Flask, url_for

CASES = [("backlog.index", {"key": "ALPHA"}),
         ("backlog.index", {"key": "ALPHA", "q": "a b&c", "page": 2, "status": None}),
         ("backlog.item", {"key": "ALPHA", "number": 7}),
         ("static", {"filename": "css/samspil.css"}),
         ("main.index", {})]


def test_kept_addresses_are_flasks_and_follow_the_request_root(app):
    for root in ("", "/samspil"):
        for _ in range(2):  # built, then kept
            with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
                for endpoint, values in CASES:
                    assert url_for(endpoint, **values) == Flask.url_for(app, endpoint, **values)
                    assert url_for(endpoint, **values).startswith(root + "/")
    with app.test_request_context("/", base_url="https://samspil.example"):
        # Other values, anchors and external addresses are built as Flask does.
        assert url_for("backlog.index", key="ALPHA", page=True).endswith("?page=True")
        assert url_for("backlog.item", key="ALPHA", number=7, _anchor="c-1").endswith("#c-1")
        assert url_for("main.index", _external=True) == "https://samspil.example/"
        assert url_for("backlog.index", key="ALPHA", labels=["a", "b"]).endswith(
            "?labels=a&labels=b")
