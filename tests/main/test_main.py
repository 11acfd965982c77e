"""The health check, error pages and the demo seed's contract from PRODUCT.md."""
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import authenticate
from app.demo.seed import DEMO_PASSWORD, seed_all
from app.projects.services import membership_of


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_404_page_in_layout_with_footer(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text and "Tilgængelighedserklæring" in response.text


DEMO_ACCOUNTS = {
    "po@ballerup.example": {"OVB": {"product_owner", "secretariat"}},
    "po@aarhus.example": {"OVB": {"product_owner"}, "BOOK": {"product_owner"}},
    "fag@roskilde.example": {"OVB": {"contributor"}},
    "dev@nordlys.example": {"OVB": {"developer"}, "BOOK": {"developer"}},
    "lead@nordlys.example": {"OVB": {"delivery_lead"}},
    "styregruppe@kobenhavn.example": {"OVB": {"steering"}},
    "po@odense.example": {"BOOK": {"product_owner"}},
}


def test_demo_seed_has_the_accounts_of_product_md(app, db):
    ctx_summary = seed_all()
    db.session.commit()
    assert ctx_summary["projects"] == 2
    from app.projects.models import Project

    projects = {p.key: p for p in db.session.scalars(select(Project))}
    for email, roles in DEMO_ACCOUNTS.items():
        user = authenticate(email, DEMO_PASSWORD)
        assert user is not None, email
        for key in ("OVB", "BOOK"):
            membership = membership_of(projects[key], user.id)
            assert (membership.role_names if membership else set()) >= roles.get(key, set())
            if key not in roles:
                assert membership is None, f"{email} must not be in {key}"
    odense = db.session.scalar(select(User).where(User.email == "po@odense.example"))
    assert odense.organisation.municipality_code == 461
