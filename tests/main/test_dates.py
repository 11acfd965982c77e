"""One way to write a day and a moment per language, in Copenhagen time, on every page: no
"12/1/26, 11:25 PM" beside "Mon 30/11". And the footer's statement link in the reader's
language."""
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_babel import force_locale

from app.backlog.services import add_comment, create_item
from app.board.services import move_item
from app.discovery.services import create_need
from app.extensions import db
from app.i18n import format_day, format_day_short, format_moment, format_size
from app.sprints.services import create_sprint, start_sprint
from tests.pages import shown

ROOT = Path(__file__).resolve().parents[2]
LATE_EVENING = datetime(2026, 12, 1, 22, 20, tzinfo=UTC)  # 23.20 in Copenhagen


def test_file_sizes_in_each_language(app):
    with app.test_request_context():
        with force_locale("da"):
            assert [format_size(n) for n in (70, 1300, 25 * 1024 * 1024)] == [
                "70 B", "1,3 kB", "25 MB"]
        with force_locale("en"):
            assert format_size(1300) == "1.3 kB" and format_size(3 * 1024 ** 3) == "3 GB"


def test_the_formats_of_each_language(app):
    with app.test_request_context():
        with force_locale("da"):
            assert format_day(date(2026, 12, 1)) == "1. dec. 2026"
            assert format_moment(LATE_EVENING) == "1. dec. 2026 kl. 23.20"
            assert format_day(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == "2. dec. 2026"
            assert format_day_short(date(2026, 12, 1), weekday=True) == "tirs. 1. dec."
        with force_locale("en"):
            assert format_day(date(2026, 12, 1)) == "1 Dec 2026"
            assert format_moment(LATE_EVENING) == "1 Dec 2026, 23:20"
            assert format_day_short(date(2026, 12, 1)) == "1 Dec"


def test_dates_are_formatted_in_one_place():
    """Only app/i18n.py asks Babel for a date; templates ask for no style of their own."""
    babel_dates = re.compile(r"from (?:flask_babel|babel\.dates) import [^\n]*"
                             r"\bformat_(?:date|datetime|time|skeleton)\b")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py")
                 if p.name != "i18n.py" and babel_dates.search(p.read_text("utf-8"))]
    styled = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
              if re.search(r"\|\s*date(?:time)?\(", p.read_text("utf-8"))]
    assert offenders == [] and styled == []


# Numeric dates in the styles Babel's "short" gave: 12/1/26, 30/11, 01.12.2026.
NUMERIC = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")
ENGLISH_DAY = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")
DANISH_DAY = re.compile(r"\b\d{1,2}\. (?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\.? \d{4}")


def test_pages_write_days_and_moments_the_same_way(world, client, login):
    po, lead = world.users["product_owner"], world.users["delivery_lead"]
    item = create_item(world.project_a, po, "Eksport til regneark", estimate=3)
    add_comment(item, po, "Ser godt ud.")
    move_item(item, world.users["developer"], "ready")
    need = create_need(world.project_a, po, title="Overblik", background="B.",
                       desired_outcome="D.", expected_value="E.")
    today = date.today()
    sprint = create_sprint(world.project_a, lead, "Sprint 1", today - timedelta(days=2),
                           today + timedelta(days=11), 20)
    start_sprint(sprint, lead)
    db.session.commit()
    login(po)
    pages = [f"/p/ALPHA/items/{item.number}", f"/p/ALPHA/needs/{need.number}",
             f"/p/ALPHA/sprints/{sprint.id}", "/p/ALPHA/needs", "/p/ALPHA/digest"]
    for language, day in (("en", ENGLISH_DAY), ("da", DANISH_DAY)):
        for path in pages:
            text = shown(client.get(path, headers={"Accept-Language": language}).text)
            assert day.search(text), (language, path)
            assert NUMERIC.findall(text) == [], (language, path)


def test_the_accessibility_statement_link_is_in_the_readers_language(client):
    english = client.get("/login", headers={"Accept-Language": "en"}).text
    assert "Accessibility statement (Tilgængelighedserklæring)" in english
    danish = client.get("/login", headers={"Accept-Language": "da"}).text
    assert ">Tilgængelighedserklæring</a>" in danish
