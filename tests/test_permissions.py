"""Every route × every persona, from the expectations table."""
import pytest

from app.accounts.services import create_user
from app.decisions.services import record_decision
from app.digests.services import make_unsubscribe_token
from app.discovery.services import create_need
from app.extensions import db
from app.mail.transport import write_to_outbox
from app.backlog.models import Item
from app.backlog.services import add_comment, create_item
from app.organisations.services import create_organisation
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_member, add_participation, membership_of
from tests.attachments.files import attach, png
from tests.digests.helpers import make_delivery, make_test_message
from tests.permissions_table import EXPECTATIONS, PERSONAS

OK_STATUSES = {200, 201, 204, 302, 303, 304, 400, 409, 422}


@pytest.fixture
def world(restored_world):
    """Every case starts from the same World, restored from its rows (see tests/conftest.py)."""
    return restored_world


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - EXPECTATIONS.keys())
    assert not missing, f"routes without an entry in tests/permissions_table.py: {missing}"
    stale = sorted(EXPECTATIONS.keys() - endpoints)
    assert not stale, f"entries for routes that no longer exist: {stale}"


class PathValues(dict):
    """Values for the placeholders in the table's paths, each made the first time a path
    names it: most routes name only the project, and making every value for each of the
    ~2,300 cases (an archive, an image's thumbnail, sprints, a need with its municipality)
    was most of the suite's time. Use with `path.format_map(values)`."""

    def __init__(self, world):
        super().__init__(key=world.project_a.key)
        self.world = world

    def __missing__(self, name):
        try:
            make = _MAKERS[name]
        except KeyError:
            raise KeyError(name) from None
        self.update(make(self.world, self))
        db.session.commit()
        return self[name]


def path_values(world) -> PathValues:
    """The placeholders' values; extended by later areas (add a maker to _MAKERS). What a
    route needs without naming it is made at once: project A publishes its roadmap, and the
    identity providers the sign-in routes name exist."""
    world.project_a.is_roadmap_public = True
    _sign_in_provider()
    db.session.commit()
    return PathValues(world)


def _item(world, _values=None) -> dict:
    """An item of project A with a label and the product owner's comment."""
    item = create_item(world.project_a, world.users["product_owner"], "Et punkt i backloggen",
                       labels="kontrakt")
    comment = add_comment(item, world.users["product_owner"], "Produktejerens kommentar")
    return {"item_id": item.id, "comment_id": comment.id, "label_id": item.labels[0].id,
            "number": item.number}


def _attachment(world, values) -> dict:
    """An image the product owner attached to the item: its uploader and the secretariat
    delete it."""
    item = db.session.get(Item, values["item_id"])
    attachment = attach(world.project_a, "item", item, world.users["product_owner"], png(),
                        "skitse.png")
    return {"attachment_id": attachment.id}


def _sprint_ids(world, _values=None) -> dict:
    planned, closed = _sprints(world)
    return {"sprint_id": planned.id, "closed_sprint_id": closed.id}


def _observer(world, _values=None) -> dict:
    observer = world.users["observer"]
    return {"membership_id": membership_of(world.project_a, observer.id).id,
            "user_id": observer.id}


def _digest_values(world, _values=None) -> dict:
    steering = world.users["steering"]
    return {"delivery_id": make_delivery(steering, world.project_a).id,
            "unsubscribe_token": make_unsubscribe_token(steering.id, world.project_a.id)}


def _makers() -> dict:
    """Placeholder → the maker of its value (and of its siblings': one item gives four)."""
    makers = {}
    for make, names in [
        (_item, ["item_id", "comment_id", "label_id", "number"]),
        (_attachment, ["attachment_id"]),
        (_observer, ["membership_id", "user_id"]),
        (lambda w, _v: {"organisation_id": w.vendor.id}, ["organisation_id"]),
        (_digest_values, ["delivery_id", "unsubscribe_token"]),
        (lambda w, _v: {"outbox_name": write_to_outbox(make_test_message()).name},
         ["outbox_name"]),
        (lambda w, _v: {"need": _need_of_another_municipality(w).number}, ["need"]),
        (_sprint_ids, ["sprint_id", "closed_sprint_id"]),
        (lambda w, _v: {"decision_id": _decision(w).id}, ["decision_id"]),
        (lambda w, _v: _invitation_and_reset(w),
         ["invitation_id", "invitation_token", "reset_token"]),
        (lambda w, _v: {"sso_provider_id": _sign_in_provider()[0].id}, ["sso_provider_id"]),
        (lambda w, _v: {"token_id": _token_of(w.users["observer"], w.project_a).id},
         ["token_id"]),
        (lambda w, _v: {"forge_token": _forge_receiver(w).token}, ["forge_token"]),
        (lambda w, _v: _import_uploads(w), ["items_token", "needs_token"]),
        (lambda w, _v: {"archive_export_id": _archive_export(w).id}, ["archive_export_id"]),
        (lambda w, _v: _webhook(w), ["webhook_id", "webhook_delivery_id"]),
        (lambda w, _v: _release(w), ["release_number", "tester_organisation_id"]),
        (_funding, ["pledge_id", "loan_id"]),
        (lambda w, _v: {"follow_up": _follow_up(w).id}, ["follow_up"]),
        (lambda w, _v: _rounds(w), ["round_number", "closed_round_number", "round_order_id"]),
    ]:
        makers.update(dict.fromkeys(names, make))
    return makers


def _release(world) -> dict:
    """A release of project A in test, with Ballerup (the product owner's municipality) as its
    test municipality."""
    from app.releases.services import create_release, set_testers

    lead = world.users["delivery_lead"]
    release = create_release(world.project_a, lead, name="2.4")
    set_testers(release, lead, [world.muni_a.id], version=release.version_id)
    db.session.commit()
    return {"release_number": release.number, "tester_organisation_id": world.muni_a.id}


def _funding(world, values) -> dict:
    """The product owner's pledge (Ballerup's) to the Aarhus need of project A, and a loan
    from Ballerup to the project."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from app.discovery.models import Need
    from app.funding import services as funding

    need = db.session.scalar(select(Need).where(Need.project_id == world.project_a.id,
                                                Need.number == values["need"]))
    pledge = funding.pledge(world.users["product_owner"], need, Decimal("1000"))
    loan = funding.record_loan(world.users["secretariat"], world.project_a, world.muni_a,
                               Decimal("5000"), date(2026, 1, 15))
    db.session.commit()
    return {"pledge_id": pledge.id, "loan_id": loan.id}

def _rounds(world) -> dict:
    """An open prioritisation round in project A on a ready need, and a closed one with an
    order already carried out (confirming it again answers 409)."""
    from datetime import timedelta

    from app.clock import local_today
    from app.discovery.services import set_status
    from app.rounds import services as rounds
    from app.rounds.models import RoundOrder

    po, secretariat = world.users["product_owner"], world.users["secretariat"]
    need = create_need(world.project_a, po, title="Til prioritering", background="B",
                       desired_outcome="D", expected_value="V")
    set_status(need, "in_discovery", po)
    set_status(need, "ready", po)
    deadline = local_today() + timedelta(days=7)
    closed = rounds.open_round(world.project_a, secretariat, name="Lukket", deadline=deadline,
                               needs=[need])
    rounds.close_round(closed, secretariat)
    order = RoundOrder(round=closed, need=need, position=1, amount=1000)
    db.session.add(order)
    current = rounds.open_round(world.project_a, secretariat, name="Åben", deadline=deadline,
                                needs=[need])
    db.session.commit()
    return {"round_number": current.number, "closed_round_number": closed.number,
            "round_order_id": order.id}


def _forge_receiver(world):
    """Project A connected to its code forges."""
    from app.forges.services import connect, receiver_of

    connect(world.project_a, world.users["secretariat"])
    db.session.commit()
    return receiver_of(world.project_a)


def _import_uploads(world) -> dict:
    """A Jira export and a spreadsheet of needs uploaded by project A's secretariat."""
    from app.imports import uploads
    from tests.imports.conftest import fixture_bytes

    secretariat = world.users["secretariat"]
    return {"items_token": uploads.save(world.project_a, secretariat, "items", "jira.csv",
                                        fixture_bytes("jira.csv"), {"source": "jira"}),
            "needs_token": uploads.save(world.project_a, secretariat, "needs", "behov.csv",
                                        fixture_bytes("needs.csv"), {})}


def _webhook(world) -> dict:
    """An endpoint of project A with one delivery sent (so it can be redelivered)."""
    from app.webhooks.services import create_endpoint, ping

    endpoint, _secret = create_endpoint(world.project_a, world.users["secretariat"],
                                        "http://127.0.0.1:9/hook", ["item.created"])
    delivery = ping(endpoint, world.users["secretariat"])
    delivery.state = "delivered"
    db.session.commit()
    return {"webhook_id": endpoint.id, "webhook_delivery_id": delivery.id}


def _token_of(user, project, can_write=True):
    """A personal access token of `user` for `project`: (the row, its Authorization header)."""
    from datetime import timedelta

    from app.api.tokens import create_token
    from app.clock import local_today

    token, secret = create_token(user, "Test", [project.id], can_write,
                                 local_today() + timedelta(days=30))
    db.session.commit()
    token.header = {"Authorization": f"Bearer {secret}"}
    return token


def is_api(endpoint: str) -> bool:
    """The JSON API's routes, which take a token instead of a signed-in session."""
    return endpoint.startswith("api.") and endpoint != "api.openapi"


def api_request(world, persona: str, method: str, can_write: bool = True,
                project=None) -> dict:
    """The test client's arguments for an API request as `persona`: their token (for project
    A, the outsider's for project B) and, for a change, an empty JSON body and If-Match "*"."""
    kwargs = {"headers": {}}
    if persona != "anonymous":
        project = project or (world.project_b if persona == "outsider" else world.project_a)
        kwargs["headers"] = dict(_token_of(world.users[persona], project, can_write).header)
    if method != "GET":
        kwargs["json"] = {}
        kwargs["headers"]["If-Match"] = "*"
    return kwargs


def _invitation_and_reset(world) -> dict:
    """An open invitation to project A and a password-reset link of the observer's."""
    from app.accounts.services import request_password_reset
    from app.invitations.services import invite

    invited = invite(world.project_a, world.users["secretariat"], "ny@a.example", world.muni_a,
                     [Role.CONTRIBUTOR])
    _user, reset_token = request_password_reset(world.users["observer"].email)
    db.session.commit()
    return {"invitation_id": invited.invitation.id, "invitation_token": invited.token,
            "reset_token": reset_token}


def _sign_in_provider():
    """The identity providers (made once per test): an OpenID one that answers nobody (its
    sign-in is refused: 400, never a 500) and a SAML one."""
    from sqlalchemy import select

    from app.sso.models import SignInProvider
    from app.sso.settings import create_provider

    existing = db.session.scalars(select(SignInProvider).order_by(SignInProvider.id)).all()
    if existing:
        return existing
    provider = create_provider({"key": "kommune", "display_name": "Log ind med din kommune",
                                "protocol": "oidc", "issuer": "http://127.0.0.1:9",
                                "client_id": "samspil", "scopes": "openid",
                                "claim_email": "email", "claim_name": "name",
                                "is_enabled": True}, "secret")
    saml = create_provider({"key": "kombit", "display_name": "Log ind med KOMBIT",
                            "protocol": "saml", "issuer": "https://idp.example/entity",
                            "idp_metadata_url": "http://127.0.0.1:9/metadata",
                            "is_enabled": True}, "")
    db.session.commit()
    return [provider, saml]


def _archive_export(world):
    """A finished archive of project A, asked for by its secretariat."""
    from app.archive.services import request_export

    export = request_export(world.project_a, world.users["secretariat"])
    db.session.commit()
    return export


def _decision(world):
    """A decision in project A's log (steering members and the secretariat record them)."""
    from datetime import date

    decision = record_decision(world.project_a, world.users["steering"], decided_on=date.today(),
                               title="Vi prioriterer kontrakter")
    db.session.commit()
    return decision


def _follow_up(world):
    """A need of Ballerup in project A delivered 400 days ago: its follow-ups are due."""
    from datetime import timedelta

    from app.database import utcnow
    from app.discovery.services import set_status

    owner = world.users["product_owner"]
    need = create_need(world.project_a, owner, title="Færre manuelle opgørelser",
                       background="Opgørelserne laves i hånden.",
                       desired_outcome="Automatiske opgørelser.", expected_value="2 timer/uge.")
    set_status(need, "delivered", by_system=True, at=utcnow() - timedelta(days=400))
    db.session.commit()
    from app.value.models import FollowUp

    return db.session.scalar(db.select(FollowUp).where(FollowUp.need_id == need.id)
                             .order_by(FollowUp.months))


def _follow_up(world):
    """A need of Ballerup in project A delivered 400 days ago: its follow-ups are due."""
    from datetime import timedelta

    from app.database import utcnow
    from app.discovery.services import set_status
    from app.value.models import FollowUp

    owner = world.users["product_owner"]
    need = create_need(world.project_a, owner, title="Færre manuelle opgørelser",
                       background="Opgørelserne laves i hånden.",
                       desired_outcome="Automatiske opgørelser.", expected_value="2 timer/uge.")
    set_status(need, "delivered", by_system=True, at=utcnow() - timedelta(days=400))
    db.session.commit()
    return db.session.scalar(db.select(FollowUp).where(FollowUp.need_id == need.id)
                             .order_by(FollowUp.months))


def _need_of_another_municipality(world):
    """A need in project A submitted by Aarhus, so that Ballerup's people may co-sponsor it."""
    aarhus = create_organisation("Aarhus Kommune", "municipality", municipality_code=751)
    add_participation(world.project_a, aarhus, ParticipationKind.MEMBER)
    submitter = create_user("po@aarhus.test", "Aarhus PO", "correct-horse-battery", aarhus)
    add_member(world.project_a, submitter, [Role.PRODUCT_OWNER])
    need = create_need(world.project_a, submitter, title="Overblik over kontrakter",
                       background="Kontrakterne ligger i regneark.",
                       desired_outcome="Ét samlet overblik.", expected_value="Færre fejl.")
    db.session.commit()
    return need


def _sprints(world):
    """A planned sprint and a closed one in project A."""
    from datetime import date

    from app.sprints.services import close_sprint, create_sprint, start_sprint

    lead = world.users["delivery_lead"]
    closed = create_sprint(world.project_a, lead, "Sprint 1", date(2026, 11, 2),
                           date(2026, 11, 13), 20)
    start_sprint(closed, lead)
    close_sprint(closed, lead)
    planned = create_sprint(world.project_a, lead, "Sprint 2", date(2026, 11, 16),
                            date(2026, 11, 27), 20)
    return planned, closed


_MAKERS = _makers()

CASES = [(endpoint, persona) for endpoint in sorted(EXPECTATIONS) for persona in PERSONAS]


@pytest.mark.parametrize(("endpoint", "persona"), CASES)
def test_access(world, client, login, endpoint, persona):
    method, path, expectations = EXPECTATIONS[endpoint]
    expected = expectations[persona]
    kwargs = {}
    if is_api(endpoint):
        kwargs = api_request(world, persona, method)
    elif persona != "anonymous":
        login(world.users[persona])
    url = path.format_map(path_values(world))
    response = client.open(url, method=method, **kwargs)
    status = response.status_code
    if expected == "ok":
        assert status in OK_STATUSES, f"{persona} {method} {url}: {status}"
        if status in (302, 303):
            assert "/login" not in response.headers["Location"] or endpoint.startswith("accounts.")
    elif expected == "login":
        assert status == 302 and "/login" in response.headers["Location"], (
            f"{persona} {method} {url}: {status}")
    else:
        assert status == int(expected), f"{persona} {method} {url}: {status}, expected {expected}"


API_WRITES = [(endpoint, persona) for endpoint in sorted(EXPECTATIONS) if is_api(endpoint)
              and EXPECTATIONS[endpoint][0] != "GET"
              for persona, expected in EXPECTATIONS[endpoint][2].items()
              if expected == "ok" and persona != "outsider"]


@pytest.mark.parametrize(("endpoint", "persona"), API_WRITES)
def test_a_read_only_token_writes_nothing(world, client, endpoint, persona):
    """Whoever may make the change through the API cannot with a token that may only read."""
    method, path, _expectations = EXPECTATIONS[endpoint]
    url = path.format_map(path_values(world))
    response = client.open(url, method=method,
                           **api_request(world, persona, method, can_write=False))
    assert response.status_code == 403, f"{persona} {method} {url}: {response.status_code}"
    assert response.mimetype == "application/problem+json"


API_ROUTES = [endpoint for endpoint in sorted(EXPECTATIONS) if is_api(endpoint)
              and "{key}" in EXPECTATIONS[endpoint][1]]


@pytest.mark.parametrize("endpoint", API_ROUTES)
def test_a_token_for_another_project_sees_nothing_of_this_one(world, client, factory,
                                                              endpoint):
    """A product owner of both projects, with a token for project B only: project A is 404."""
    method, path, _expectations = EXPECTATIONS[endpoint]
    url = path.format_map(path_values(world))
    owner = world.users["product_owner"]
    add_participation(world.project_b, world.muni_a, ParticipationKind.MEMBER)
    add_member(world.project_b, owner, [Role.PRODUCT_OWNER])
    db.session.commit()
    response = client.open(url, method=method, **api_request(
        world, "product_owner", method, project=world.project_b))
    assert response.status_code == 404, f"{method} {url}: {response.status_code}"
