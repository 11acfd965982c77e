"""Weight on the wire: static files fingerprinted and cached for a year, HTML and JSON gzipped
when the browser accepts it (app/web/weight.py)."""
import gzip
import re

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    page = client.get("/login").get_data(as_text=True)
    address = re.search(r'href="(/static/css/samspil\.css\?v=[0-9a-f]{12})"', page).group(1)
    fresh = client.get(address)
    assert fresh.status_code == 200
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    fresh.close()
    # An old fingerprint (the file has changed since) or none: revalidated as before.
    for stale in ("/static/css/samspil.css?v=000000000000", "/static/css/samspil.css"):
        answer = client.get(stale)
        assert "immutable" not in answer.headers.get("Cache-Control", ""), stale
        answer.close()


def test_pages_are_gzipped_for_browsers_that_accept_it(client, app):
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers  # asked without gzip: as it is
    packed = client.get("/login", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    app.config["COMPRESS_RESPONSES"] = False  # a proxy compresses instead
    try:
        assert "Content-Encoding" not in client.get("/login", headers=GZIP).headers
    finally:
        app.config["COMPRESS_RESPONSES"] = True


def test_a_board_of_a_hundred_cards_weighs_little_on_the_wire(world, login):
    from app.backlog.services import create_item
    from app.extensions import db

    for n in range(100):
        create_item(world.project_a, world.users["product_owner"], f"Kort nummer {n}",
                    estimate=3, status=("backlog", "ready", "in_progress")[n % 3])
    db.session.commit()
    client = login(world.users["developer"])
    answer = client.get("/p/ALPHA/board", headers=GZIP)
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert len(answer.get_data()) * 4 < len(gzip.decompress(answer.get_data()))
