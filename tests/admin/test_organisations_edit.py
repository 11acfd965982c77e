"""Changing an organisation in the browser: the same checks as registering one (official
municipality code, CVR modulus 11, no duplicates), clear field errors, nothing saved on a
refusal, every change in the audit log; and requiring two-factor sign-in of its members."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.pages import shown

EN = {"Accept-Language": "en"}


def edit(client, org, **fields):
    data = {"name": org.name, "kind": org.kind, "municipality_code": org.municipality_code or "",
            "cvr": org.cvr or ""}
    data.update(fields)
    return client.post(f"/organisations/{org.id}", data=data, headers=EN)


def test_the_form_shows_the_organisation(world, client, login):
    login(world.users["site_admin"])
    page = client.get(f"/organisations/{world.vendor.id}", headers=EN)
    assert page.status_code == 200 and 'value="Nordlys Software ApS"' in page.text
    assert f'href="/organisations/{world.vendor.id}"' in client.get("/organisations").text


def test_renaming_and_requiring_two_factor_is_saved_and_audited(world, client, login):
    login(world.users["site_admin"])
    response = edit(client, world.muni_a, name="Ballerup Kommune (IT)", requires_two_factor="y")
    assert response.status_code == 303
    db.session.refresh(world.muni_a)
    assert world.muni_a.name == "Ballerup Kommune (IT)" and world.muni_a.requires_two_factor
    [event] = db.session.scalars(select(AuditEvent)
                                 .where(AuditEvent.action == "organisation.changed")).all()
    assert event.details == {"name": "Ballerup Kommune (IT)", "requires_two_factor": True}


def test_refusals_name_the_field_and_save_nothing(world, client, login):
    login(world.users["site_admin"])
    cases = [
        ({"municipality_code": "999"}, "Not an official Danish municipality code."),
        ({"municipality_code": "461"}, "Municipality code 461 is already registered."),
        ({"municipality_code": "abc"}, "Not a valid integer value."),
        ({"name": "Odense Kommune"}, "An organisation with this name already exists."),
        ({"name": "  "}, ""),
    ]
    for fields, message in cases:
        response = edit(client, world.muni_a, **fields)
        assert response.status_code == 422, fields
        assert message in shown(response.text), fields
    vendor_cases = [({"cvr": "12345678"}, "Not a valid CVR number"),
                    ({"cvr": ""}, "A vendor needs its CVR number."),
                    ({"cvr": "١٢٣٤٥٦٧٨"}, "Not a valid CVR number")]
    for fields, message in vendor_cases:
        response = edit(client, world.vendor, **fields)
        assert response.status_code == 422 and message in shown(response.text), fields
    db.session.refresh(world.muni_a)
    db.session.refresh(world.vendor)
    assert world.muni_a.name == "Ballerup Kommune" and world.muni_a.municipality_code == 151
    assert world.vendor.cvr and db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "organisation.changed")).all() == []


def test_a_cvr_of_another_vendor_is_refused(world, client, login, factory):
    other = factory.vendor("Anden Leverandør ApS")
    db.session.commit()
    login(world.users["site_admin"])
    response = edit(client, other, cvr=world.vendor.cvr)
    assert response.status_code == 422
    assert "This CVR number is already registered." in shown(response.text)


def test_forged_ids_answer_404_and_others_403(world, client, login):
    login(world.users["site_admin"])
    assert client.get("/organisations/2147483647").status_code == 404
    assert client.post("/organisations/99999999999", data={"name": "x"}).status_code == 404
    login(world.users["secretariat"])
    assert edit(client, world.muni_a, name="Overtaget").status_code == 403
