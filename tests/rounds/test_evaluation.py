"""The evaluation matrix: default criteria, the secretariat's edits, score sheets per
municipality, the weighted totals on the need page and in the needs list."""
from sqlalchemy import func, select

from app.extensions import db
from app.rounds import evaluation
from app.rounds.models import EvaluationCriterion, Score, ScoreSheet
from tests.pages import shown


def _criteria_form(criteria, **changes):
    data = {}
    for i, c in enumerate(criteria):
        data.update({f"name-{i}": c.name, f"low_text-{i}": c.low_text,
                     f"high_text-{i}": c.high_text, f"weight-{i}": str(c.weight)})
    data.update(changes)
    return data


def test_a_project_has_the_six_default_criteria_until_the_secretariat_edits_them(
        r, client, login):
    login(r.po)
    page = shown(client.get("/p/ALPHA/evaluation/criteria").get_data(as_text=True))
    for name in ("Business value", "Hours lost per week if unsolved", "Hard wins",
                 "Soft wins", "Time-critical", "Strategic importance"):
        assert name in page
    assert "Save the criteria" not in page
    assert client.post("/p/ALPHA/evaluation/criteria", data={}).status_code == 403


def test_the_secretariat_changes_a_weight_and_adds_a_criterion(r, client, login):
    login(r.secretariat)
    criteria = evaluation.criteria_of(r.project)
    data = _criteria_form(criteria, **{"weight-0": "3", "name-6": "Antal brugere",
                                       "low_text-6": "Få", "high_text-6": "Alle",
                                       "weight-6": "2"})
    response = client.post("/p/ALPHA/evaluation/criteria", data=data)
    assert response.status_code == 303
    rows = evaluation.criteria_of(r.project)
    assert [c.weight for c in rows][:1] == [3] and rows[-1].name == "Antal brugere"
    assert len(rows) == 7


def test_a_weight_outside_1_to_10_is_refused_and_nothing_changes(r, client, login):
    login(r.secretariat)
    data = _criteria_form(evaluation.criteria_of(r.project), **{"weight-2": "11"})
    response = client.post("/p/ALPHA/evaluation/criteria", data=data)
    assert response.status_code == 422
    assert "The weight is a whole number from 1 to 10." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EvaluationCriterion)) == 0


def _score(client, number, values):
    return client.post(f"/p/ALPHA/needs/{number}/scores",
                       data={f"score-{i}": str(v) for i, v in enumerate(values)})


def test_weighted_totals_per_municipality_and_their_mean(r, client, login):
    login(r.secretariat)
    data = _criteria_form(evaluation.criteria_of(r.project), **{"weight-0": "3"})
    client.post("/p/ALPHA/evaluation/criteria", data=data)
    login(r.po)
    assert _score(client, r.finance.number, [5, 1, 1, 1, 1, 1]).status_code == 303
    login(r.aarhus_po)
    assert _score(client, r.finance.number, [2, 2, 2, 2, 2, 2]).status_code == 303
    # Ballerup: (3×5 + 5×1) / 8 = 2.5; Aarhus: 2.0; the need: (2.5 + 2.0) / 2 = 2.25 → 2.3
    totals = evaluation.totals_for(r.project, [r.finance.id])
    assert abs(totals[r.finance.id] - 2.25) < 1e-9
    page = shown(client.get(f"/p/ALPHA/needs/{r.finance.number}").get_data(as_text=True))
    assert "Evaluation total: 2.3 of 5" in page
    assert "Ballerup Kommune" in page and "Aarhus Kommune" in page


def test_the_need_page_reads_the_same_number_of_statements_however_many_scored(
        r, client, login, count_statements):
    def statements_of_the_page():
        login(r.secretariat)
        with count_statements:
            assert client.get(f"/p/ALPHA/needs/{r.finance.number}").status_code == 200
        return len(count_statements.statements)

    login(r.po)
    _score(client, r.finance.number, [3] * 6)
    one = statements_of_the_page()
    login(r.aarhus_po)
    _score(client, r.finance.number, [4] * 6)
    assert statements_of_the_page() == one  # not a statement or two more per municipality


def test_one_sheet_per_municipality_edited_in_place(r, client, login):
    login(r.po)
    _score(client, r.finance.number, [1, 1, 1, 1, 1, 1])
    _score(client, r.finance.number, [4, 4, 4, 4, 4, 4])
    assert db.session.scalar(select(func.count()).select_from(ScoreSheet)) == 1
    assert set(db.session.scalars(select(Score.value))) == {4}


def test_scores_outside_1_to_5_or_missing_are_refused(r, client, login):
    login(r.po)
    for values in ([0, 1, 1, 1, 1, 1], [6, 1, 1, 1, 1, 1], ["x", 1, 1, 1, 1, 1],
                   [1, 1, 1, 1, 1, ""], [-1, 1, 1, 1, 1, 1]):
        response = _score(client, r.finance.number, values)
        assert response.status_code == 422, values
    assert db.session.scalar(select(func.count()).select_from(ScoreSheet)) == 0


def test_only_needs_in_discovery_or_ready_are_scored(r, client, login):
    login(r.po)
    response = _score(client, r.submitted.number, [3] * 6)
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(ScoreSheet)) == 0


def test_vendors_contributors_and_other_projects_do_not_score(r, client, login):
    for role in ("developer", "delivery_lead", "contributor", "secretariat", "steering"):
        login(r.world.users[role])
        assert _score(client, r.finance.number, [3] * 6).status_code == 403, role
    login(r.world.users["outsider"])
    assert _score(client, r.finance.number, [3] * 6).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ScoreSheet)) == 0


def test_the_needs_list_sorts_and_filters_by_the_evaluation(r, client, login):
    login(r.po)
    _score(client, r.finance.number, [2] * 6)
    _score(client, r.report.number, [5] * 6)
    page = client.get("/p/ALPHA/needs?sort=score").get_data(as_text=True)
    assert page.index("Kvartalsrapport") < page.index("Økonomioverblik") < page.index("Ny idé")
    filtered = client.get("/p/ALPHA/needs?score=4").get_data(as_text=True)
    assert "Kvartalsrapport" in filtered and "Økonomioverblik" not in filtered
    assert client.get("/p/ALPHA/needs?score=evil&sort=';drop").status_code == 200
