"""Importing a project archive into an empty project, in one transaction.

Order: organisations (matched by CVR, then municipality code, then name, or created), people
(matched by e-mail, or created as deactivated accounts without a password and invited when
they were members), members and their roles, labels, sprints, items with their labels,
comments and history, needs with co-sponsorships, notes, history and item links, decisions,
digests sent, and attached files (their type decided again from their content, their
thumbnails made again). Rows are inserted in batches with Core statements; the archive's
numbers (item and need numbers, ranks, change numbers, times) are kept as they were.

The archive's references are checked as they are resolved: a reference to something the
archive does not hold refuses the import with ArchiveError, and a database constraint that
fails (two active sprints, a repeated rank) is reported the same way. The caller's
transaction is then rolled back: nothing is half-imported. Attached files are written to
storage before the commit; after a refused import such bytes stay unreferenced (storage is
by content hash, so they are harmless and reused by a later import of the same archive).
"""
import os
import tempfile
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import DataError, IntegrityError

from app.accounts.models import User
from app.accounts.services import create_user, get_user_by_email
from app.archive.format import number_to_key, parse_day, parse_timestamp
from app.archive.reading import ArchiveError, OpenedArchive
from app.attachments.models import Attachment
from app.attachments.services import THUMBNAIL_SUFFIX, examine, quota_used
from app.attachments.storage import storage
from app.audit.services import record
from app.backlog.models import BacklogCounter, Comment, Item, ItemHistory, Label, item_label
from app.decisions.models import (Decision, DecisionOutcome, decision_item, decision_need,
                                  decision_supersession)
from app.digests.models import DigestDelivery
from app.discovery.models import (Need, NeedChange, NeedCoSponsor, NeedCounter, NeedItemLink,
                                  NeedNote)
from app.extensions import db
from app.invitations.services import invite_account, is_unclaimed
from app.organisations.models import Organisation
from app.organisations.services import create_organisation
from app.projects.models import Membership, MembershipRole, ParticipationKind
from app.projects.permissions import forget_roles
from app.projects.services import add_participation, check_roles, participation_of
from app.services import RuleViolation
from app.sprints.models import Sprint

BATCH = 500
T = parse_timestamp


@dataclass
class Imported:
    """What an import did: counts of what it made, and invitations to e-mail after commit."""

    counts: dict = field(default_factory=dict)
    invitations: list = field(default_factory=list)  # (invitation, token)
    people_created: int = 0


def project_is_empty(project) -> bool:
    """Nothing of the project's work exists yet (members and organisations may)."""
    checks = [select(Item.id).where(Item.project_id == project.id),
              select(Need.id).where(Need.project_id == project.id),
              select(Sprint.id).where(Sprint.project_id == project.id),
              select(Decision.id).where(Decision.project_id == project.id),
              select(Label.id).where(Label.project_id == project.id),
              select(Attachment.id).where(Attachment.project_id == project.id)]
    return not any(db.session.scalar(q.limit(1)) for q in checks)


def _insert(table, rows: list[dict], returning=None) -> list:
    """Insert rows in batches; with `returning`, the returned values in the rows' order."""
    out = []
    for start in range(0, len(rows), BATCH):
        part = rows[start:start + BATCH]
        if not part:
            continue
        if returning is None:
            db.session.execute(insert(table), part)
        else:
            result = db.session.execute(
                insert(table).returning(returning, sort_by_parameter_order=True), part)
            out.extend(result.scalars().all())
    return out


def _unknown(what: str, ref) -> ArchiveError:
    return ArchiveError(_("The archive refers to %(what)s %(ref)s, which it does not hold.",
                          what=what, ref=str(ref)[:120]))


class _Import:
    def __init__(self, project, actor, archive: OpenedArchive):
        self.project = project
        self.actor = actor
        self.archive = archive
        self.doc = archive.document
        self.result = Imported()
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.sprints: dict[int, int] = {}
        self.items: dict[int, int] = {}
        self.needs: dict[int, int] = {}
        self.comments: dict[int, int] = {}
        self.notes: dict[int, int] = {}
        self.decisions: dict[int, int] = {}
        self.labels: dict[str, int] = {}

    def user_id(self, email: str | None) -> int | None:
        if email is None:
            return None
        user = self.users.get(email)
        if user is None:
            raise _unknown(_("the person"), email)
        return user.id

    def lookup(self, refs: dict, ref, what: str):
        if ref is None:
            return None
        if ref not in refs:
            raise _unknown(what, ref)
        return refs[ref]

    def run(self) -> Imported:
        self._organisations()
        self._people()
        self._members()
        self._project()
        self._labels()
        self._sprints()
        self._items()
        self._needs()
        self._decisions()
        self._digests()
        self._attachments()
        self.result.counts = {name: len(self.doc[name]) for name in (
            "items", "needs", "sprints", "decisions", "digests", "attachments", "members")}
        record("archive.imported", project=self.project, target=self.project,
               actor=self.actor, exported_at=self.doc["exported_at"],
               source_key=self.doc["project"]["key"],
               people_created=self.result.people_created,
               **{f"{name}_count": n for name, n in self.result.counts.items()})
        db.session.flush()
        return self.result

    def _find_organisation(self, o: dict) -> Organisation | None:
        for column, value in ((Organisation.cvr, o["cvr"]),
                              (Organisation.municipality_code, o["municipality_code"]),
                              (Organisation.name, o["name"])):
            if value is not None:
                found = db.session.scalar(select(Organisation).where(column == value))
                if found is not None:
                    return found
        return None

    def _new_organisation(self, o: dict) -> Organisation:
        """Organisations are the site administrators' to register (as on /admin)."""
        if self.actor is not None and not self.actor.is_site_admin:
            raise ArchiveError(_("The organisation %(name)s is not registered here yet, and only "
                                 "site administrators register organisations. Ask one to "
                                 "register it, or to import the archive.", name=o["name"]))
        return create_organisation(o["name"], o["kind"],
                                   municipality_code=o["municipality_code"], cvr=o["cvr"])

    def _organisations(self) -> None:
        for o in self.doc["organisations"]:
            if o["name"] in self.orgs:
                raise ArchiveError(_("The archive lists the organisation %(name)s twice.",
                                     name=o["name"]))
            org = self._find_organisation(o) or self._new_organisation(o)
            self.orgs[o["name"]] = org
            if o["participation"] and participation_of(self.project, org.id) is None:
                kind = o["participation"]
                if org.is_vendor != (kind == ParticipationKind.VENDOR):
                    kind = ParticipationKind.VENDOR if org.is_vendor else ParticipationKind.MEMBER
                add_participation(self.project, org, kind)

    def _people(self) -> None:
        for p in self.doc["people"]:
            org = self.lookup(self.orgs, p["organisation"], _("the organisation"))
            user = get_user_by_email(p["email"])
            if user is None:
                user = create_user(p["email"], p["name"], None, org)
                user.is_active = False
                self.result.people_created += 1
            if p["email"] in self.users:
                raise ArchiveError(_("The archive lists %(email)s twice.", email=p["email"]))
            self.users[p["email"]] = user

    def _members(self) -> None:
        for m in self.doc["members"]:
            user = self.users.get(m["email"])
            if user is None:
                raise _unknown(_("the person"), m["email"])
            roles = check_roles(user.organisation, m["roles"], "archive")
            if participation_of(self.project, user.organisation_id) is None:
                org = user.organisation
                add_participation(self.project, org, ParticipationKind.VENDOR if org.is_vendor
                                  else ParticipationKind.MEMBER)
            membership = db.session.scalar(select(Membership).where(
                Membership.project_id == self.project.id, Membership.user_id == user.id))
            if membership is None:
                membership = Membership(project=self.project, user=user,
                                        created_at=T(m["since"]))
                db.session.add(membership)
            held = membership.role_names
            membership.roles.extend(MembershipRole(role=r) for r in sorted(roles - held))
            if is_unclaimed(user):
                self.result.invitations.append(invite_account(self.project, self.actor, user,
                                                              roles))
        db.session.flush()
        forget_roles()

    def _project(self) -> None:
        p = self.doc["project"]
        self.project.name = p["name"]
        self.project.description = p["description"]
        self.project.is_roadmap_public = p["is_roadmap_public"]
        self.project.created_at = T(p["created_at"])
        numbers = [i["number"] for i in self.doc["items"]]
        counter = db.session.get(BacklogCounter, self.project.id)
        if counter is None:
            counter = BacklogCounter(project_id=self.project.id)
            db.session.add(counter)
        counter.last_number = max([p["last_item_number"], counter.last_number or 0, *numbers])
        counter.change_number = max(p["change_number"], counter.change_number or 0)
        needs = db.session.get(NeedCounter, self.project.id)
        if needs is None:
            needs = NeedCounter(project_id=self.project.id)
            db.session.add(needs)
        needs.last_number = max([p["last_need_number"], needs.last_number or 0,
                                 *(n["number"] for n in self.doc["needs"])])
        db.session.flush()

    def _labels(self) -> None:
        rows = [{"project_id": self.project.id, "name": lb["name"],
                 "created_at": T(lb["created_at"])} for lb in self.doc["labels"]]
        ids = _insert(Label.__table__, rows, Label.__table__.c.id)
        self.labels = {row["name"]: i for row, i in zip(rows, ids, strict=True)}

    def _sprints(self) -> None:
        u = self.user_id
        rows = [{"project_id": self.project.id, "name": s["name"], "goal": s["goal"],
                 "start_date": parse_day(s["start_date"]), "end_date": parse_day(s["end_date"]),
                 "capacity": s["capacity"], "state": s["state"],
                 "committed_points": s["committed_points"],
                 "completed_points": s["completed_points"], "started_at": T(s["started_at"]),
                 "started_by_id": u(s["started_by"]), "closed_at": T(s["closed_at"]),
                 "closed_by_id": u(s["closed_by"]), "retro_went_well": s["retro_went_well"],
                 "retro_to_improve": s["retro_to_improve"], "retro_actions": s["retro_actions"],
                 "retro_updated_at": T(s["retro_updated_at"]),
                 "retro_updated_by_id": u(s["retro_updated_by"]),
                 "created_by_id": u(s["created_by"]), "created_at": T(s["created_at"]),
                 "updated_at": T(s["updated_at"]), "version_id": 1}
                for s in self.doc["sprints"]]
        ids = _insert(Sprint.__table__, rows, Sprint.__table__.c.id)
        self.sprints = self._refs(self.doc["sprints"], ids, "ref", _("the sprint"))
        carried = [{"sid": self.sprints[s["ref"]],
                    "to": self.lookup(self.sprints, s["carried_to"], _("the sprint"))}
                   for s in self.doc["sprints"] if s["carried_to"] is not None]
        if carried:
            table = Sprint.__table__
            db.session.execute(update(table).where(table.c.id == bindparam("sid"))
                               .values(carried_to_id=bindparam("to")), carried)

    @staticmethod
    def _refs(records, ids, key: str, what: str) -> dict:
        refs = {}
        for rec, ident in zip(records, ids, strict=True):
            if rec[key] in refs:
                raise ArchiveError(_("The archive holds %(what)s %(ref)s twice.", what=what,
                                     ref=rec[key]))
            refs[rec[key]] = ident
        return refs

    def _history_value(self, field_name: str, value):
        if value is None:
            return None
        if field_name == "assignee":
            return str(self.user_id(value))
        if field_name == "sprint":
            return str(self.lookup(self.sprints, int(value), _("the sprint"))) \
                if value.isdigit() else None
        if field_name == "parent":
            return number_to_key(value, self.project.key)
        return value

    def _items(self) -> None:
        u, pid = self.user_id, self.project.id
        items = self.doc["items"]
        rows = [{"project_id": pid, "number": i["number"], "type": i["type"],
                 "title": i["title"], "description": i["description"],
                 "acceptance_criteria": i["acceptance_criteria"], "estimate": i["estimate"],
                 "status": i["status"], "rank": i["rank"], "assignee_id": u(i["assignee"]),
                 "is_blocked": i["is_blocked"], "blocked_reason": i["blocked_reason"],
                 "sprint_id": self.lookup(self.sprints, i["sprint"], _("the sprint")),
                 "accepted_at": T(i["accepted_at"]), "accepted_by_id": u(i["accepted_by"]),
                 "rejected_at": T(i["rejected_at"]), "rejected_by_id": u(i["rejected_by"]),
                 "rejected_reason": i["rejected_reason"], "created_by_id": u(i["created_by"]),
                 "created_at": T(i["created_at"]), "updated_at": T(i["updated_at"]),
                 # Added in format 1.1 (absent from older archives): archiving, origin.
                 "archived_at": T(i.get("archived_at")),
                 "archived_by_id": u(i.get("archived_by")),
                 "external_key": i.get("external_key"), "external_url": i.get("external_url"),
                 "version_id": 1} for i in items]
        ids = _insert(Item.__table__, rows, Item.__table__.c.id)
        self.items = self._refs(items, ids, "number", _("the item"))
        table = Item.__table__
        parents = [{"iid": self.items[i["number"]],
                    "pid": self.lookup(self.items, i["parent"], _("the item"))}
                   for i in items if i["parent"] is not None]
        if parents:
            db.session.execute(update(table).where(table.c.id == bindparam("iid"))
                               .values(parent_id=bindparam("pid")), parents)
        _insert(item_label, [{"item_id": self.items[i["number"]],
                              "label_id": self.lookup(self.labels, name, _("the label"))}
                             for i in items for name in i["labels"]])
        comments = [(i, c) for i in items for c in i["comments"]]
        ids = _insert(Comment.__table__, [
            {"item_id": self.items[i["number"]], "author_id": u(c["author"]), "body": c["body"],
             "created_at": T(c["created_at"]), "edited_at": T(c.get("edited_at"))}
            for i, c in comments], Comment.__table__.c.id)
        self.comments = self._refs([c for _i, c in comments], ids, "ref", _("the comment"))
        _insert(ItemHistory.__table__, [
            {"item_id": self.items[i["number"]], "project_id": pid, "actor_id": u(h["actor"]),
             "field": h["field"], "old_value": self._history_value(h["field"], h["old"]),
             "new_value": self._history_value(h["field"], h["new"]), "note": h["note"],
             "change_number": h["change_number"], "created_at": T(h["created_at"])}
            for i in items for h in i["history"]])

    def _needs(self) -> None:
        u, pid, key = self.user_id, self.project.id, self.project.key
        needs = self.doc["needs"]
        org = lambda name: self.lookup(self.orgs, name, _("the organisation")).id  # noqa: E731
        rows = [{"project_id": pid, "number": n["number"],
                 "organisation_id": org(n["organisation"]),
                 "submitter_id": u(n["submitter"]), "title": n["title"],
                 "background": n["background"], "desired_outcome": n["desired_outcome"],
                 "expected_value": n["expected_value"], "assumptions": n["assumptions"],
                 "risks": n["risks"], "out_of_scope": n["out_of_scope"], "status": n["status"],
                 "status_rationale": n["status_rationale"],
                 "is_rationale_public": n["is_rationale_public"],
                 "status_changed_at": T(n["status_changed_at"]),
                 "delivered_at": T(n["delivered_at"]), "is_escalated": n["is_escalated"],
                 "escalated_at": T(n["escalated_at"]), "escalated_by_id": u(n["escalated_by"]),
                 "escalation_reason": n["escalation_reason"], "created_at": T(n["created_at"]),
                 "updated_at": T(n["updated_at"]), "archived_at": T(n.get("archived_at")),
                 "archived_by_id": u(n.get("archived_by"))} for n in needs]
        ids = _insert(Need.__table__, rows, Need.__table__.c.id)
        self.needs = self._refs(needs, ids, "number", _("the need"))
        _insert(NeedCoSponsor.__table__, [
            {"need_id": self.needs[n["number"]], "organisation_id": org(c["organisation"]),
             "created_by_id": u(c["created_by"]), "note": c["note"],
             "is_willing_to_cofund": c["is_willing_to_cofund"],
             "is_willing_to_test": c["is_willing_to_test"], "created_at": T(c["created_at"])}
            for n in needs for c in n["cosponsors"]])
        notes = [(n, x) for n in needs for x in n["notes"]]
        ids = _insert(NeedNote.__table__, [
            {"need_id": self.needs[n["number"]], "author_id": u(x["author"]), "kind": x["kind"],
             "occurred_on": parse_day(x["occurred_on"]), "body": x["body"],
             "created_at": T(x["created_at"])} for n, x in notes], NeedNote.__table__.c.id)
        self.notes = self._refs([x for _n, x in notes], ids, "ref", _("the note"))
        _insert(NeedChange.__table__, [
            {"need_id": self.needs[n["number"]], "actor_id": u(c["actor"]),
             "actor_label": c["actor_label"], "is_by_system": c["is_by_system"],
             "field": c["field"],
             "old_value": number_to_key(c["old"], key) if c["field"] == "item" else c["old"],
             "new_value": number_to_key(c["new"], key) if c["field"] == "item" else c["new"],
             "comment": c["comment"], "params": c["params"], "created_at": T(c["created_at"])}
            for n in needs for c in n["history"]])
        _insert(NeedItemLink.__table__, [
            {"project_id": pid, "need_id": self.needs[n["number"]],
             "item_id": self.lookup(self.items, link["item"], _("the item")),
             "created_by_id": u(link["created_by"]), "created_at": T(link["created_at"])}
            for n in needs for link in n["items"]])

    def _decisions(self) -> None:
        decisions = self.doc["decisions"]
        ids = _insert(Decision.__table__, [
            {"project_id": self.project.id, "decided_on": parse_day(d["decided_on"]),
             "title": d["title"], "text": d["text"],
             "recorded_by_id": self.user_id(d["recorded_by"]),
             "recorded_by_label": d["recorded_by_label"], "created_at": T(d["created_at"]),
             # Archives made before decision records: accepted, of no type.
             "decision_type": d.get("decision_type"), "state": d.get("state", "accepted"),
             "consequences": d.get("consequences", "")}
            for d in decisions], Decision.__table__.c.id)
        self.decisions = self._refs(decisions, ids, "ref", _("the decision"))
        need, item = _("the need"), _("the item")
        _insert(decision_need, [{"decision_id": self.decisions[d["ref"]],
                                 "need_id": self.lookup(self.needs, n, need)}
                                for d in decisions for n in d["needs"]])
        _insert(decision_item, [{"decision_id": self.decisions[d["ref"]],
                                 "item_id": self.lookup(self.items, i, item)}
                                for d in decisions for i in d["items"]])
        this = _("the decision")
        _insert(decision_supersession, [
            {"decision_id": self.decisions[d["ref"]],
             "superseded_id": self.lookup(self.decisions, ref, this)}
            for d in decisions for ref in d.get("supersedes", [])])
        _insert(DecisionOutcome.__table__, [
            {"decision_id": self.decisions[d["ref"]],
             "need_id": self.lookup(self.needs, o["need"], need), "outcome": o["outcome"],
             "old_status": o["old_status"], "new_status": o["new_status"],
             "rationale": o["rationale"]} for d in decisions for o in d["outcomes"]])

    def _digests(self) -> None:
        _insert(DigestDelivery.__table__, [
            {"user_id": self.user_id(d["recipient"]), "project_id": self.project.id,
             "frequency": d["frequency"], "period_key": d["period_key"],
             "period_start": T(d["period_start"]), "period_end": T(d["period_end"]),
             "content": d["content"], "state": d["state"], "attempts": 0,
             "next_attempt_at": T(d["created_at"]), "recipient": d["address"],
             "locale": d["locale"], "message_id": d["message_id"], "subject": d["subject"],
             "body_text": "", "body_html": "", "created_at": T(d["created_at"]),
             "updated_at": T(d["created_at"]), "sent_at": T(d["sent_at"])}
            for d in self.doc["digests"]])

    def _container(self, container: dict) -> int:
        refs, what = {"item": (self.items, _("the item")), "need": (self.needs, _("the need")),
                      "comment": (self.comments, _("the comment")),
                      "note": (self.notes, _("the note")),
                      "decision": (self.decisions, _("the decision"))}[container["kind"]]
        return self.lookup(refs, container["ref"], what)

    def _attachments(self) -> None:
        attachments = self.doc["attachments"]
        total = sum(a["size"] for a in attachments)
        quota = current_app.config["ATTACHMENTS_PROJECT_QUOTA_BYTES"]
        if total + quota_used(self.project) > quota:
            raise ArchiveError(_("The archive's attached files take more than the project's "
                                 "quota allows."), 413)
        stored: dict[str, tuple[str, str | None]] = {}
        rows = []
        for a in attachments:
            if a["sha256"] not in stored:
                stored[a["sha256"]] = self._store_file(a)
            mime, thumbnail = stored[a["sha256"]]
            rows.append({"project_id": self.project.id, "container_kind": a["container"]["kind"],
                         "container_id": self._container(a["container"]), "name": a["name"],
                         "size": a["size"], "content_type": mime, "sha256": a["sha256"],
                         "thumbnail_key": thumbnail,
                         "uploaded_by_id": self.user_id(a["uploaded_by"]),
                         "uploaded_by_label": a["uploaded_by_label"],
                         "created_at": T(a["created_at"])})
        _insert(Attachment.__table__, rows)

    def _store_file(self, a: dict) -> tuple[str, str | None]:
        """Copy an attached file out of the archive, check its hash and content, store it."""
        if a["file"] != "attachments/" + a["sha256"]:
            raise ArchiveError(_("The file of the attachment %(name)s is not named by its "
                                 "SHA-256.", name=a["name"]))
        folder = os.path.join(current_app.config["ATTACHMENTS_DIR"], "tmp")
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder) as scratch:
            digest = self.archive.copy_file(a["file"], scratch, a["size"])
            if digest != a["sha256"] or os.path.getsize(scratch.name) != a["size"]:
                raise ArchiveError(_("The file of the attachment %(name)s does not match its "
                                     "size and SHA-256 in project.json.", name=a["name"]))
            try:
                mime, thumbnail = examine(scratch.name, a["name"])
            except RuleViolation as exc:
                raise ArchiveError(exc.message) from None
            files = storage()
            files.put_file(a["sha256"], scratch.name)
            if thumbnail is not None:
                files.put_bytes(a["sha256"] + THUMBNAIL_SUFFIX, thumbnail)
        return mime, (a["sha256"] + THUMBNAIL_SUFFIX if thumbnail is not None else None)


def import_archive(project, actor, archive: OpenedArchive) -> Imported:
    """Import the archive into the project, which must be empty; flushes, never commits."""
    if not project_is_empty(project):
        raise ArchiveError(_("%(key)s already has items, needs, sprints, decisions, labels or "
                           "files: an archive is imported only into an empty project. Create "
                           "a new project for it.", key=project.key))
    try:
        with db.session.begin_nested():
            return _Import(project, actor, archive).run()
    except (IntegrityError, DataError) as exc:
        raise ArchiveError(_("The archive contradicts itself or this installation's rules "
                             "(%(reason)s). Nothing was imported.",
                             reason=str(exc.orig).splitlines()[0][:200])) from None
