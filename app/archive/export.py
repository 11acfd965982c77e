"""Writing a project's archive: a zip with `project.json` and the attached files.

Memory stays flat however big the project: `project.json` is written into the zip entry as it
is produced (never built whole in memory), items and needs are read in batches of BATCH with
their comments, history and notes fetched per batch by one query each, and rows are read as
plain tuples, not ORM objects. Attached files are copied into the zip from storage in chunks.

Everything in the archive refers to other things by what survives a move to another
installation: people by e-mail, organisations by name, items and needs by number, and
sprints, comments, notes, decisions and attachments by a `ref` numbered in the archive's own
order (see docs/export-format.md).
"""
import io
import json
import shutil
import zipfile
from collections import defaultdict

from sqlalchemy import select

from app.accounts.models import User
from app.archive.format import (ATTACHMENTS_DIR, FORMAT, PROJECT_JSON, VERSION, day,
                                key_to_number, timestamp)
from app.attachments.models import Attachment
from app.attachments.storage import storage
from app.backlog.models import BacklogCounter, Comment, Item, ItemHistory, Label, item_label
from app.database import utcnow
from app.decisions.models import (Decision, DecisionOutcome, decision_item, decision_need,
                                  decision_supersession)
from app.digests.models import DeliveryState, DigestDelivery
from app.discovery.models import (Need, NeedChange, NeedCoSponsor, NeedCounter, NeedItemLink,
                                  NeedNote)
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.models import Membership, MembershipRole, ProjectOrganisation
from app.sprints.models import Sprint

BATCH = 500
FINISHED_DIGESTS = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.UNCERTAIN,
                    DeliveryState.SKIPPED)


def _chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _People:
    """Users by id, looked up in batches, and every one the archive names (for `people`)."""

    def __init__(self):
        self.by_id: dict[int, tuple] = {}
        self.named: set[int] = set()

    def load(self, ids) -> None:
        missing = {i for i in ids if i is not None and i not in self.by_id}
        for chunk in _chunks(sorted(missing)):
            for row in db.session.execute(select(User.id, User.email, User.name,
                                                 User.organisation_id)
                                          .where(User.id.in_(chunk))):
                self.by_id[row.id] = (row.email, row.name, row.organisation_id)

    def ref(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        self.load([user_id])
        if user_id not in self.by_id:
            return None
        self.named.add(user_id)
        return self.by_id[user_id][0]


class _Writer:
    """Writes the JSON document piece by piece into a text stream."""

    def __init__(self, stream):
        self.stream = stream

    def value(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def key(self, name: str, value, first: bool = False) -> None:
        self.stream.write(("" if first else ",\n") + self.value(name) + ":" + self.value(value))

    def array(self, name: str, rows) -> int:
        """Write `"name": [rows…]` one row at a time; the number of rows."""
        self.stream.write(",\n" + self.value(name) + ":[")
        count = 0
        for row in rows:
            self.stream.write(("\n" if count == 0 else ",\n") + self.value(row))
            count += 1
        self.stream.write("]")
        return count


class ProjectArchive:
    """One project's archive, written once by `write(fileobj)`."""

    def __init__(self, project):
        self.project = project
        self.people = _People()
        self.organisations: set[int] = set()
        self.item_numbers: dict[int, int] = {}
        self.need_numbers: dict[int, int] = {}
        self.sprint_refs: dict[int, int] = {}
        self.comment_refs: dict[int, int] = {}
        self.note_refs: dict[int, int] = {}
        self.decision_refs: dict[int, int] = {}
        self.files: dict[str, int] = {}
        self.counts: dict[str, int] = {}

    def write(self, fileobj) -> dict:
        """Write the zip to `fileobj` (a binary file opened for writing); the counts."""
        with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            with archive.open(PROJECT_JSON, "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                self._document(_Writer(text))
                text.flush()
                text.detach()
            files = storage()
            for sha in sorted(self.files):
                source = files.path(sha)
                with open(source, "rb") as src, archive.open(ATTACHMENTS_DIR + sha, "w",
                                                             force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
        return self.counts

    def _document(self, out: _Writer) -> None:
        out.stream.write("{")
        out.key("format", FORMAT, first=True)
        out.key("version", VERSION)
        out.key("exported_at", timestamp(utcnow()))
        out.key("project", self._project())
        out.key("labels", self._labels())
        out.key("sprints", self._sprints())
        self.counts["items"] = out.array("items", self._items())
        self.counts["needs"] = out.array("needs", self._needs())
        self.counts["decisions"] = out.array("decisions", self._decisions())
        self.counts["digests"] = out.array("digests", self._digests())
        self.counts["attachments"] = out.array("attachments", self._attachments())
        out.key("members", self._members())
        out.key("people", self._people())
        out.key("organisations", self._organisations())
        out.stream.write("}\n")

    def _project(self) -> dict:
        p = self.project
        counter = db.session.get(BacklogCounter, p.id)
        needs = db.session.get(NeedCounter, p.id)
        return {"key": p.key, "name": p.name, "description": p.description,
                "is_roadmap_public": p.is_roadmap_public, "created_at": timestamp(p.created_at),
                "last_item_number": counter.last_number if counter else 0,
                "change_number": counter.change_number if counter else 0,
                "last_need_number": needs.last_number if needs else 0}

    def _labels(self) -> list[dict]:
        rows = db.session.execute(select(Label.name, Label.created_at)
                                  .where(Label.project_id == self.project.id)
                                  .order_by(Label.name))
        return [{"name": r.name, "created_at": timestamp(r.created_at)} for r in rows]

    def _sprints(self) -> list[dict]:
        rows = db.session.scalars(select(Sprint).where(Sprint.project_id == self.project.id)
                                  .order_by(Sprint.start_date, Sprint.id)).all()
        self.sprint_refs = {s.id: n for n, s in enumerate(rows, 1)}
        ref = self.people.ref
        return [{"ref": self.sprint_refs[s.id], "name": s.name, "goal": s.goal,
                 "start_date": day(s.start_date), "end_date": day(s.end_date),
                 "capacity": s.capacity, "state": s.state,
                 "committed_points": s.committed_points, "completed_points": s.completed_points,
                 "started_at": timestamp(s.started_at), "started_by": ref(s.started_by_id),
                 "closed_at": timestamp(s.closed_at), "closed_by": ref(s.closed_by_id),
                 "carried_to": self.sprint_refs.get(s.carried_to_id),
                 "retro_went_well": s.retro_went_well, "retro_to_improve": s.retro_to_improve,
                 "retro_actions": s.retro_actions,
                 "retro_updated_at": timestamp(s.retro_updated_at),
                 "retro_updated_by": ref(s.retro_updated_by_id),
                 "created_by": ref(s.created_by_id), "created_at": timestamp(s.created_at),
                 "updated_at": timestamp(s.updated_at)} for s in rows]

    def _items(self):
        project_id = self.project.id
        self.item_numbers = dict(db.session.execute(
            select(Item.id, Item.number).where(Item.project_id == project_id)).all())
        ids = sorted(self.item_numbers, key=self.item_numbers.get)
        for chunk in _chunks(ids):
            yield from self._item_batch(chunk)

    def _item_batch(self, ids: list[int]):
        items = db.session.execute(select(Item.__table__).where(Item.id.in_(ids))).all()
        items.sort(key=lambda r: r.number)
        labels = defaultdict(list)
        for item_id, name in db.session.execute(
                select(item_label.c.item_id, Label.name).join(Label)
                .where(item_label.c.item_id.in_(ids)).order_by(Label.name)):
            labels[item_id].append(name)
        comments = defaultdict(list)
        for c in db.session.execute(select(Comment.id, Comment.item_id, Comment.author_id,
                                           Comment.body, Comment.created_at, Comment.edited_at)
                                    .where(Comment.item_id.in_(ids))
                                    .order_by(Comment.created_at, Comment.id)):
            comments[c.item_id].append(c)
        history = defaultdict(list)
        for h in db.session.execute(select(ItemHistory.__table__)
                                    .where(ItemHistory.item_id.in_(ids))
                                    .order_by(ItemHistory.id)):
            history[h.item_id].append(h)
        self.people.load({r.assignee_id for r in items} | {r.created_by_id for r in items}
                         | {r.accepted_by_id for r in items} | {r.rejected_by_id for r in items}
                         | {c.author_id for rows in comments.values() for c in rows}
                         | {h.actor_id for rows in history.values() for h in rows})
        for row in items:
            yield self._item(row, labels[row.id], comments[row.id], history[row.id])

    def _item(self, r, labels, comments, history) -> dict:
        ref = self.people.ref
        out_comments = []
        for c in comments:
            self.comment_refs[c.id] = len(self.comment_refs) + 1
            out_comments.append({"ref": self.comment_refs[c.id], "author": ref(c.author_id),
                                 "body": c.body, "created_at": timestamp(c.created_at),
                                 "edited_at": timestamp(c.edited_at)})
        return {"number": r.number, "type": r.type, "title": r.title,
                "description": r.description, "acceptance_criteria": r.acceptance_criteria,
                "estimate": r.estimate, "status": r.status, "rank": r.rank,
                "assignee": ref(r.assignee_id),
                "parent": self.item_numbers.get(r.parent_id),
                "is_blocked": r.is_blocked, "blocked_reason": r.blocked_reason,
                "sprint": self.sprint_refs.get(r.sprint_id),
                "accepted_at": timestamp(r.accepted_at), "accepted_by": ref(r.accepted_by_id),
                "rejected_at": timestamp(r.rejected_at), "rejected_by": ref(r.rejected_by_id),
                "rejected_reason": r.rejected_reason, "created_by": ref(r.created_by_id),
                "created_at": timestamp(r.created_at), "updated_at": timestamp(r.updated_at),
                "archived_at": timestamp(r.archived_at), "archived_by": ref(r.archived_by_id),
                "external_key": r.external_key, "external_url": r.external_url,
                "labels": labels, "comments": out_comments,
                "history": [self._item_change(h) for h in history]}

    def _history_value(self, field: str, value: str | None) -> str | None:
        """A stored history value in the archive's terms (see docs: ids become references)."""
        if value is None:
            return None
        if field == "assignee":
            return self.people.ref(int(value)) if value.isdigit() else None
        if field == "sprint":
            ref = self.sprint_refs.get(int(value)) if value.isdigit() else None
            return None if ref is None else str(ref)
        if field == "parent":
            return key_to_number(value, self.project.key)
        return value

    def _item_change(self, h) -> dict:
        return {"actor": self.people.ref(h.actor_id), "field": h.field,
                "old": self._history_value(h.field, h.old_value),
                "new": self._history_value(h.field, h.new_value), "note": h.note,
                "change_number": h.change_number, "created_at": timestamp(h.created_at)}

    def _needs(self):
        project_id = self.project.id
        self.need_numbers = dict(db.session.execute(
            select(Need.id, Need.number).where(Need.project_id == project_id)).all())
        ids = sorted(self.need_numbers, key=self.need_numbers.get)
        for chunk in _chunks(ids):
            yield from self._need_batch(chunk)

    def _need_batch(self, ids: list[int]):
        def grouped(query):
            groups = defaultdict(list)
            for row in db.session.execute(query):
                groups[row.need_id].append(row)
            return groups

        needs = db.session.execute(select(Need.__table__).where(Need.id.in_(ids))).all()
        needs.sort(key=lambda r: r.number)
        cosponsors = grouped(select(NeedCoSponsor.__table__)
                             .where(NeedCoSponsor.need_id.in_(ids))
                             .order_by(NeedCoSponsor.created_at, NeedCoSponsor.id))
        notes = grouped(select(NeedNote.__table__).where(NeedNote.need_id.in_(ids))
                        .order_by(NeedNote.id))
        changes = grouped(select(NeedChange.__table__).where(NeedChange.need_id.in_(ids))
                          .order_by(NeedChange.id))
        links = grouped(select(NeedItemLink.__table__).where(NeedItemLink.need_id.in_(ids))
                        .order_by(NeedItemLink.id))
        org_names = self._org_names({r.organisation_id for r in needs}
                                    | {c.organisation_id for g in cosponsors.values() for c in g})
        for r in needs:
            yield self._need(r, org_names, cosponsors[r.id], notes[r.id], changes[r.id],
                             links[r.id])

    def _org_names(self, ids) -> dict[int, str]:
        self.organisations |= set(ids)
        return dict(db.session.execute(select(Organisation.id, Organisation.name)
                                       .where(Organisation.id.in_(ids))).all())

    def _need(self, r, org_names, cosponsors, notes, changes, links) -> dict:
        ref = self.people.ref
        out_notes = []
        for n in notes:
            self.note_refs[n.id] = len(self.note_refs) + 1
            out_notes.append({"ref": self.note_refs[n.id], "author": ref(n.author_id),
                              "kind": n.kind, "occurred_on": day(n.occurred_on), "body": n.body,
                              "created_at": timestamp(n.created_at)})
        key = self.project.key
        return {
            "number": r.number, "organisation": org_names[r.organisation_id],
            "submitter": ref(r.submitter_id), "title": r.title, "background": r.background,
            "desired_outcome": r.desired_outcome, "expected_value": r.expected_value,
            "assumptions": r.assumptions, "risks": r.risks, "out_of_scope": r.out_of_scope,
            "status": r.status, "status_rationale": r.status_rationale,
            "is_rationale_public": r.is_rationale_public,
            "status_changed_at": timestamp(r.status_changed_at),
            "delivered_at": timestamp(r.delivered_at), "is_escalated": r.is_escalated,
            "escalated_at": timestamp(r.escalated_at), "escalated_by": ref(r.escalated_by_id),
            "escalation_reason": r.escalation_reason, "created_at": timestamp(r.created_at),
            "updated_at": timestamp(r.updated_at), "archived_at": timestamp(r.archived_at),
            "archived_by": ref(r.archived_by_id),
            "items": [{"item": self.item_numbers[link.item_id],
                       "created_by": ref(link.created_by_id),
                       "created_at": timestamp(link.created_at)} for link in links
                      if link.item_id in self.item_numbers],
            "cosponsors": [{"organisation": org_names[c.organisation_id],
                            "created_by": ref(c.created_by_id), "note": c.note,
                            "is_willing_to_cofund": c.is_willing_to_cofund,
                            "is_willing_to_test": c.is_willing_to_test,
                            "created_at": timestamp(c.created_at)} for c in cosponsors],
            "notes": out_notes,
            "history": [{"actor": ref(c.actor_id), "actor_label": c.actor_label,
                         "is_by_system": c.is_by_system, "field": c.field,
                         "old": key_to_number(c.old_value, key) if c.field == "item"
                         else c.old_value,
                         "new": key_to_number(c.new_value, key) if c.field == "item"
                         else c.new_value,
                         "comment": c.comment, "params": c.params or {},
                         "created_at": timestamp(c.created_at)} for c in changes]}

    def _decisions(self):
        rows = db.session.scalars(select(Decision).where(Decision.project_id == self.project.id)
                                  .order_by(Decision.id)).all()
        ids = [d.id for d in rows]
        self.people.load(d.recorded_by_id for d in rows)
        needs, items, outcomes = defaultdict(list), defaultdict(list), defaultdict(list)
        refs = {d.id: n for n, d in enumerate(rows, 1)}
        supersedes = defaultdict(list)
        for chunk in _chunks(ids):
            for d_id, s_id in db.session.execute(
                    select(decision_supersession.c.decision_id,
                           decision_supersession.c.superseded_id)
                    .where(decision_supersession.c.decision_id.in_(chunk))):
                supersedes[d_id].append(refs[s_id])
            for d_id, n_id in db.session.execute(select(decision_need.c.decision_id,
                                                        decision_need.c.need_id)
                                                 .where(decision_need.c.decision_id.in_(chunk))):
                needs[d_id].append(self.need_numbers[n_id])
            for d_id, i_id in db.session.execute(select(decision_item.c.decision_id,
                                                        decision_item.c.item_id)
                                                 .where(decision_item.c.decision_id.in_(chunk))):
                items[d_id].append(self.item_numbers[i_id])
            for o in db.session.execute(select(DecisionOutcome.__table__)
                                        .where(DecisionOutcome.decision_id.in_(chunk))
                                        .order_by(DecisionOutcome.id)):
                outcomes[o.decision_id].append(o)
        for n, d in enumerate(rows, 1):
            self.decision_refs[d.id] = n
            yield {"ref": n, "decided_on": day(d.decided_on), "title": d.title, "text": d.text,
                   "recorded_by": self.people.ref(d.recorded_by_id),
                   "recorded_by_label": d.recorded_by_label,
                   "created_at": timestamp(d.created_at),
                   "needs": sorted(needs[d.id]), "items": sorted(items[d.id]),
                   "decision_type": d.decision_type, "state": d.state,
                   "consequences": d.consequences, "supersedes": sorted(supersedes[d.id]),
                   "outcomes": [{"need": self.need_numbers[o.need_id], "outcome": o.outcome,
                                 "old_status": o.old_status, "new_status": o.new_status,
                                 "rationale": o.rationale} for o in outcomes[d.id]]}

    def _digests(self):
        query = (select(DigestDelivery.id).where(DigestDelivery.project_id == self.project.id,
                                                 DigestDelivery.state.in_(FINISHED_DIGESTS))
                 .order_by(DigestDelivery.id))
        for chunk in _chunks(db.session.scalars(query).all(), 100):
            rows = db.session.execute(select(DigestDelivery.__table__)
                                      .where(DigestDelivery.id.in_(chunk))
                                      .order_by(DigestDelivery.id)).all()
            self.people.load(d.user_id for d in rows)
            for d in rows:
                yield {"recipient": self.people.ref(d.user_id), "address": d.recipient,
                       "frequency": d.frequency, "period_key": d.period_key,
                       "period_start": timestamp(d.period_start),
                       "period_end": timestamp(d.period_end), "state": d.state,
                       "locale": d.locale, "message_id": d.message_id, "subject": d.subject,
                       "content": d.content, "created_at": timestamp(d.created_at),
                       "sent_at": timestamp(d.sent_at)}

    def _container(self, kind: str, ident: int) -> int | None:
        refs = {"item": self.item_numbers, "need": self.need_numbers,
                "comment": self.comment_refs, "note": self.note_refs,
                "decision": self.decision_refs}.get(kind, {})
        return refs.get(ident)

    def _attachments(self):
        rows = db.session.execute(select(Attachment.__table__)
                                  .where(Attachment.project_id == self.project.id,
                                         Attachment.deleted_at.is_(None))
                                  .order_by(Attachment.id)).all()
        files = storage()
        self.people.load(a.uploaded_by_id for a in rows)
        n = 0
        for a in rows:
            container = self._container(a.container_kind, a.container_id)
            if container is None or not files.exists(a.sha256):
                continue  # its container is gone, or its bytes: nothing to restore
            n += 1
            self.files[a.sha256] = a.size
            yield {"ref": n, "container": {"kind": a.container_kind, "ref": container},
                   "name": a.name, "size": a.size, "content_type": a.content_type,
                   "sha256": a.sha256, "file": ATTACHMENTS_DIR + a.sha256,
                   "uploaded_by": self.people.ref(a.uploaded_by_id),
                   "uploaded_by_label": a.uploaded_by_label,
                   "created_at": timestamp(a.created_at)}

    def _members(self) -> list[dict]:
        rows = db.session.execute(
            select(Membership.id, Membership.user_id, Membership.created_at)
            .where(Membership.project_id == self.project.id)).all()
        self.people.load(r.user_id for r in rows)
        roles = defaultdict(list)
        for m_id, role in db.session.execute(
                select(MembershipRole.membership_id, MembershipRole.role)
                .join(Membership).where(Membership.project_id == self.project.id)):
            roles[m_id].append(role)
        members = [{"email": self.people.ref(r.user_id), "roles": sorted(roles[r.id]),
                    "since": timestamp(r.created_at)} for r in rows]
        return sorted(members, key=lambda m: m["email"])

    def _people(self) -> list[dict]:
        orgs = self._org_names({self.people.by_id[i][2] for i in self.people.named})
        people = [{"email": email, "name": name, "organisation": orgs[org_id]}
                  for email, name, org_id in (self.people.by_id[i] for i in self.people.named)]
        return sorted(people, key=lambda p: p["email"])

    def _organisations(self) -> list[dict]:
        kinds = dict(db.session.execute(
            select(ProjectOrganisation.organisation_id, ProjectOrganisation.kind)
            .where(ProjectOrganisation.project_id == self.project.id)).all())
        ids = self.organisations | set(kinds)
        rows = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))).all()
        return sorted(({"name": o.name, "kind": o.kind, "municipality_code": o.municipality_code,
                        "cvr": o.cvr, "participation": kinds.get(o.id)} for o in rows),
                      key=lambda o: o["name"])
