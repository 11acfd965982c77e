"""need history params: system texts stored as values, rendered in the reader's language

Revision ID: e3b96a9a4219
Revises: 5c1d7e9a4b20
Create Date: 2026-12-02 02:25:20.467814

A need's history and the audit log stored sentences in the language of whoever made the
decision: "Besluttet: <title>" as the comment of a withdrawn escalation (which the history
then read as "withdrew the escalation"), and "Besluttet af styregruppen: <title>" as the
rationale of an approval. The rows that carry such a sentence get the decision's title as a
value instead (need_change.params, the audit event's details), and a decided escalation is
recorded as decided. Sentences that do not match are a person's own words and stay.
"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3b96a9a4219'
down_revision = '5c1d7e9a4b20'
branch_labels = None
depends_on = None

# The sentences the decisions service wrote, in Danish and English (msgids of that time).
DECIDED = re.compile(r"^(?:Besluttet|Decided): (?P<title>[^\n]+)$")
DECIDED_BY = re.compile(r"^(?:Besluttet af styregruppen|Decided by the steering group): "
                        r"(?P<title>[^\n]+)$")

need_change = sa.table(
    "need_change", sa.column("id", sa.Integer), sa.column("field", sa.String),
    sa.column("old_value", sa.Text), sa.column("new_value", sa.Text),
    sa.column("comment", sa.Text), sa.column("params", sa.JSON))
need = sa.table("need", sa.column("id", sa.Integer), sa.column("status_rationale", sa.Text))
audit_event = sa.table("audit_event", sa.column("id", sa.Integer),
                       sa.column("action", sa.String), sa.column("details", sa.JSON))


def upgrade():
    with op.batch_alter_table('need_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
    conn = op.get_bind()
    conn.execute(need_change.update().values(params={}))
    with op.batch_alter_table('need_change', schema=None) as batch_op:
        batch_op.alter_column('params', existing_type=sa.JSON(), nullable=False)

    rows = conn.execute(sa.select(need_change.c.id, need_change.c.field,
                                  need_change.c.old_value, need_change.c.new_value,
                                  need_change.c.comment)
                        .where(need_change.c.field.in_(("status", "escalation")),
                               need_change.c.comment != "")).all()
    for row in rows:
        if row.field == "status" and (match := DECIDED_BY.match(row.comment)):
            conn.execute(need_change.update().where(need_change.c.id == row.id).values(
                comment="", params={"decision": match["title"]}))
        elif (row.field == "escalation" and row.old_value == "escalated" and not row.new_value
              and (match := DECIDED.match(row.comment))):
            conn.execute(need_change.update().where(need_change.c.id == row.id).values(
                new_value="decided", comment="", params={"decision": match["title"]}))
    # An approval's invented rationale: the status panel names the decision by itself now.
    for row in conn.execute(sa.select(need.c.id, need.c.status_rationale)
                            .where(need.c.status_rationale != "")).all():
        if DECIDED_BY.match(row.status_rationale):
            conn.execute(need.update().where(need.c.id == row.id).values(status_rationale=""))

    events = conn.execute(sa.select(audit_event.c.id, audit_event.c.action,
                                    audit_event.c.details)
                          .where(audit_event.c.action.in_(("need.escalation_withdrawn",
                                                           "need.status_changed")))).all()
    for event in events:
        details = dict(event.details or {})
        key, pattern, action = (("comment", DECIDED, "need.escalation_decided")
                                if event.action == "need.escalation_withdrawn"
                                else ("rationale", DECIDED_BY, event.action))
        match = pattern.match(details.get(key) or "")
        if match:
            details.pop(key)
            details["decision"] = match["title"]
            conn.execute(audit_event.update().where(audit_event.c.id == event.id)
                         .values(action=action, details=details))


def downgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.select(need_change.c.id, need_change.c.field,
                                  need_change.c.new_value, need_change.c.comment,
                                  need_change.c.params)).all()
    for row in rows:
        title = (row.params or {}).get("decision")
        if not title or row.comment:
            continue
        if row.field == "status":
            conn.execute(need_change.update().where(need_change.c.id == row.id).values(
                comment=f"Besluttet af styregruppen: {title}"))
        elif row.field == "escalation" and row.new_value == "decided":
            conn.execute(need_change.update().where(need_change.c.id == row.id).values(
                new_value="", comment=f"Besluttet: {title}"))
    for event in conn.execute(sa.select(audit_event.c.id, audit_event.c.action,
                                        audit_event.c.details)
                              .where(audit_event.c.action == "need.escalation_decided")).all():
        details = dict(event.details or {})
        details["comment"] = f"Besluttet: {details.pop('decision', '')}"
        conn.execute(audit_event.update().where(audit_event.c.id == event.id)
                     .values(action="need.escalation_withdrawn", details=details))
    with op.batch_alter_table('need_change', schema=None) as batch_op:
        batch_op.drop_column('params')
