"""Registering organisations: official municipality codes, CVR numbers, no duplicates."""
from sqlalchemy import func, select

from app.organisations.models import Organisation


def count(db):
    return db.session.scalar(select(func.count(Organisation.id)))


def test_site_admin_registers_a_municipality(world, client, login, db):
    login(world.users["site_admin"])
    response = client.post("/organisations", data={"name": "Sorø Kommune", "kind": "municipality",
                                                   "municipality_code": "340"})
    assert response.status_code == 303
    org = db.session.scalar(select(Organisation).where(Organisation.municipality_code == 340))
    assert org.name == "Sorø Kommune" and org.is_municipality


def test_duplicate_municipality_code_is_refused_with_a_clear_message(world, client, login, db):
    login(world.users["site_admin"])
    before = count(db)
    response = client.post("/organisations", data={"name": "Anden Ballerup", "kind": "municipality",
                                                   "municipality_code": "151"})
    assert response.status_code == 422
    assert "Kommunekode 151 er allerede registreret." in response.text
    assert count(db) == before


def test_unknown_municipality_code_and_bad_cvr_are_refused(world, client, login, db):
    login(world.users["site_admin"])
    before = count(db)
    bad_code = client.post("/organisations", data={"name": "Fantasia", "kind": "municipality",
                                                  "municipality_code": "999"})
    assert bad_code.status_code == 422 and "Ikke en officiel dansk kommunekode." in bad_code.text
    bad_cvr = client.post("/organisations", data={"name": "Firma ApS", "kind": "vendor",
                                                 "cvr": "12345678"})
    assert bad_cvr.status_code == 422 and "Ikke et gyldigt CVR-nummer" in bad_cvr.text
    no_cvr = client.post("/organisations", data={"name": "Firma ApS", "kind": "vendor"})
    # "CVR-nummer" alone is the field's label, on the page anyway.
    assert no_cvr.status_code == 422 and "En leverandør skal have et CVR-nummer." in no_cvr.text
    wrong_kind = client.post("/organisations", data={"name": "X", "kind": "club"})
    assert wrong_kind.status_code == 422 and "Ikke et gyldigt valg." in wrong_kind.text
    assert count(db) == before


def test_duplicate_name_is_refused_case_insensitively(world, client, login, db):
    login(world.users["site_admin"])
    response = client.post("/organisations", data={"name": "ballerup kommune", "kind": "community"})
    assert response.status_code == 422
    assert "Der findes allerede en organisation med dette navn." in response.text
