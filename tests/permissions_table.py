"""The permission expectations table: every route × every persona.

A test walks app.url_map and fails when an endpoint has no entry here, so no route can be
added without its access rule. Outcomes:
  "ok"     the persona may use it (2xx/3xx, or 400/409/422 for the empty or stale input sent)
  "403"    a member without the right
  "404"    not visible (non-members of the project, or pages only administrators see)
  "login"  anonymous visitors are sent to /login
  "401"    the JSON API without a token (the API's rows: every persona sends a read-write
           token for project A, or project B for the outsider; anonymous sends none)
"""
from app.projects.models import Role

ROLES = [r.value for r in Role]
PERSONAS = ["anonymous", "outsider", *ROLES, "site_admin"]


def rule(anonymous="login", outsider="404", site_admin="ok", default="ok", **per_role):
    """Expectations for every persona: `default` for project roles unless named."""
    table = {"anonymous": anonymous, "outsider": outsider, "site_admin": site_admin}
    for role in ROLES:
        table[role] = per_role.get(role, default)
    return table


def only(*roles, anonymous="login", outsider="404", site_admin="ok"):
    """Project members with one of `roles` may; other members get 403."""
    return rule(anonymous=anonymous, outsider=outsider, site_admin=site_admin, default="403",
                **{r.value: "ok" for r in roles})


EVERYONE_SIGNED_IN = rule(outsider="ok")
PUBLIC = rule(anonymous="ok", outsider="ok")
MEMBERS = rule()
SITE_ADMIN = rule(outsider="403", default="403")

ITEM_EDITORS = only(Role.PRODUCT_OWNER, Role.DEVELOPER, Role.DELIVERY_LEAD, Role.SECRETARIAT,
                    site_admin="403")
COMMENTERS = only(Role.PRODUCT_OWNER, Role.DEVELOPER, Role.DELIVERY_LEAD, Role.SECRETARIAT,
                  Role.CONTRIBUTOR, site_admin="403")
ITEM_DELETERS = only(Role.SECRETARIAT)
COMMENT_AUTHOR = only(Role.PRODUCT_OWNER, site_admin="403")
CARD_MOVERS = only(Role.PRODUCT_OWNER, Role.DEVELOPER, Role.DELIVERY_LEAD, site_admin="403")
SPRINT_PLANNERS = only(Role.PRODUCT_OWNER, Role.DELIVERY_LEAD, site_admin="403")
FORGE_MANAGERS = only(Role.SECRETARIAT, Role.DELIVERY_LEAD, site_admin="403")
SPRINT_TEAM = only(Role.PRODUCT_OWNER, Role.DEVELOPER, Role.DELIVERY_LEAD, site_admin="403")
ITEM_IMPORTERS = only(Role.SECRETARIAT, Role.DELIVERY_LEAD, site_admin="403")
NEED_IMPORTERS = only(Role.SECRETARIAT, site_admin="403")
# An upload is its uploader's alone (the secretariat's here): the delivery lead, who may
# import too, does not find it.
SECRETARIAT_S_UPLOAD = {**ITEM_IMPORTERS, "delivery_lead": "404"}
WEBHOOK_MANAGERS = only(Role.SECRETARIAT, Role.DELIVERY_LEAD)
RELEASE_MANAGERS = only(Role.DELIVERY_LEAD, Role.SECRETARIAT, site_admin="403")
DONE_CHECKERS = only(Role.DEVELOPER, Role.DELIVERY_LEAD, site_admin="403")
# A product owner signs off for their own municipality (project A's product owner is Ballerup's).
SIGNERS = only(Role.PRODUCT_OWNER, site_admin="403")
ROUND_KEEPERS = only(Role.SECRETARIAT, site_admin="403")
VOTERS = only(Role.PRODUCT_OWNER, site_admin="403")



def api(expectations: dict) -> dict:
    """The same rights through the JSON API: a request without a token answers 401."""
    return {**expectations, "anonymous": "401"}


# endpoint: (method, path, expectations). Paths are formatted with the world's values.
RELEASE = "/p/{key}/releases/{release_number}"
EXPECTATIONS = {
    "releases.index": ("GET", "/p/{key}/releases", MEMBERS),
    "releases.create": ("POST", "/p/{key}/releases", RELEASE_MANAGERS),
    "releases.show": ("GET", RELEASE, MEMBERS),
    "releases.details": ("POST", RELEASE + "/details", RELEASE_MANAGERS),
    "releases.items": ("POST", RELEASE + "/items", RELEASE_MANAGERS),
    "releases.testers": ("POST", RELEASE + "/testers", RELEASE_MANAGERS),
    "releases.notes": ("POST", RELEASE + "/notes", RELEASE_MANAGERS),
    "releases.state": ("POST", RELEASE + "/state", RELEASE_MANAGERS),
    "releases.sign_off": ("POST", RELEASE + "/sign-off/{tester_organisation_id}", SIGNERS),
    "releases.definition": ("GET", "/p/{key}/definition-of-done", MEMBERS),
    "releases.save_definition": ("POST", "/p/{key}/definition-of-done",
                                 only(Role.SECRETARIAT, Role.DELIVERY_LEAD, site_admin="403")),
    "releases.check_done": ("POST", "/p/{key}/items/{number}/definition-of-done", DONE_CHECKERS),
    "static": ("GET", "/static/css/samspil.css", PUBLIC),
    "main.index": ("GET", "/", EVERYONE_SIGNED_IN),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    # Only with METRICS_TOKEN (a bearer token, never a session): unset in the tests, so no one.
    "main.metrics": ("GET", "/metrics", rule(anonymous="404", outsider="404", site_admin="404",
                                              default="404")),
    # Search answers everyone signed in, within the projects they are members of.
    "search.index": ("GET", "/search?q=plan", EVERYONE_SIGNED_IN),
    "accounts.login": ("GET", "/login", rule(anonymous="ok", outsider="ok")),
    "accounts.logout": ("GET", "/logout", rule(anonymous="ok", outsider="ok")),
    "accounts.settings": ("GET", "/settings", EVERYONE_SIGNED_IN),
    "accounts.password": ("POST", "/settings/password", EVERYONE_SIGNED_IN),
    "accounts.sign_out_everywhere": ("POST", "/settings/sign-out-everywhere",
                                     EVERYONE_SIGNED_IN),
    # Two-factor sign-in: the code page without a pending sign-in sends back to /login.
    "accounts.code": ("GET", "/login/code", rule(anonymous="ok", outsider="ok")),
    "accounts.two_factor_settings": ("GET", "/settings/two-factor", EVERYONE_SIGNED_IN),
    "accounts.start_two_factor": ("POST", "/settings/two-factor", EVERYONE_SIGNED_IN),
    # Nobody in the table has two-factor sign-in: these answer 409 or 422.
    "accounts.confirm_two_factor": ("POST", "/settings/two-factor/confirm", EVERYONE_SIGNED_IN),
    "accounts.disable_two_factor": ("POST", "/settings/two-factor/disable", EVERYONE_SIGNED_IN),
    "accounts.renew_recovery_codes": ("POST", "/settings/two-factor/recovery-codes",
                                      EVERYONE_SIGNED_IN),
    # Recovering access: open to everyone; a signed-in person may use them too.
    "password.forgot": ("GET", "/password/forgot", PUBLIC),
    "password.request_reset": ("POST", "/password/forgot", PUBLIC),
    "password.reset": ("GET", "/password/reset/{reset_token}", PUBLIC),
    "password.set_password": ("POST", "/password/reset/{reset_token}", PUBLIC),
    # Single sign-on: the provider of the table answers nobody, so its sign-in is refused with
    # 400; a link page without a sign-in waiting for it sends back to /login.
    "sso.start": ("GET", "/login/sso/kommune", rule(anonymous="ok", outsider="ok")),
    "sso.callback": ("GET", "/login/sso/kommune/callback", rule(anonymous="ok", outsider="ok")),
    "sso.link": ("GET", "/login/sso/link", rule(anonymous="ok", outsider="ok")),
    # SAML: the metadata is public; the table's provider's metadata cannot be read, so an
    # answer at the assertion consumer service is refused (400); single logout without a SAML
    # session goes to the ordinary sign-out, and an unconfirmed logout to the login page.
    "sso.metadata": ("GET", "/login/sso/kombit/metadata", rule(anonymous="ok", outsider="ok")),
    "sso.acs": ("POST", "/login/sso/kombit/acs", rule(anonymous="ok", outsider="ok")),
    "sso.single_logout": ("POST", "/login/sso/kombit/logout", EVERYONE_SIGNED_IN),
    "sso.sls": ("GET", "/login/sso/kombit/sls", rule(anonymous="ok", outsider="ok")),
    "sso_admin.index": ("GET", "/admin/sign-in", SITE_ADMIN),
    "sso_admin.edit": ("GET", "/admin/sign-in/{sso_provider_id}", SITE_ADMIN),
    "notifications.index": ("GET", "/notifications", EVERYONE_SIGNED_IN),
    "notifications.bell": ("GET", "/notifications/bell", EVERYONE_SIGNED_IN),
    # Nobody in the table has notification 1: 404 for everyone signed in.
    "notifications.read": ("POST", "/notifications/1/read",
                           rule(outsider="404", site_admin="404", default="404")),
    "notifications.read_all": ("POST", "/notifications/read-all", EVERYONE_SIGNED_IN),
    "notifications.watch": ("POST", "/p/{key}/watch/item/{number}", MEMBERS),
    "notifications.update_watch_defaults": ("POST", "/settings/watching", EVERYONE_SIGNED_IN),
    "notifications.mention_options": ("GET", "/p/{key}/mentions?q=a", MEMBERS),
    "notifications.update_preferences": ("POST", "/settings/notifications", EVERYONE_SIGNED_IN),
    # Without signing in; a token that is not one answers 400 (the refusal).
    "notifications.unsubscribe": ("GET", "/notifications/unsubscribe/x", PUBLIC),
    "notifications.unsubscribe_one_click": ("POST", "/notifications/unsubscribe/x", PUBLIC),
    "organisations.index": ("GET", "/organisations", SITE_ADMIN),
    "organisations.edit": ("GET", "/organisations/{organisation_id}", SITE_ADMIN),
    # User administration; the path's user is project A's observer.
    "users.index": ("GET", "/admin/users", SITE_ADMIN),
    "users.show": ("GET", "/admin/users/{user_id}", SITE_ADMIN),
    "users.set_active": ("POST", "/admin/users/{user_id}/active", SITE_ADMIN),
    "users.set_site_admin": ("POST", "/admin/users/{user_id}/site-admin", SITE_ADMIN),
    "users.set_organisation": ("POST", "/admin/users/{user_id}/organisation", SITE_ADMIN),
    "users.reset_two_factor": ("POST", "/admin/users/{user_id}/two-factor/reset", SITE_ADMIN),
    # Personal data (app/privacy): a person's own, and anyone's for site administrators.
    "privacy.my_data": ("GET", "/settings/personal-data", EVERYONE_SIGNED_IN),
    "privacy.user_data": ("GET", "/admin/users/{user_id}/personal-data", SITE_ADMIN),
    "privacy.erase_form": ("GET", "/admin/users/{user_id}/erase", SITE_ADMIN),
    "privacy.erase": ("POST", "/admin/users/{user_id}/erase", SITE_ADMIN),
    "projects.new": ("GET", "/projects/new", SITE_ADMIN),
    "my.index": ("GET", "/my", EVERYONE_SIGNED_IN),
    "my.overview": ("GET", "/p/{key}/", MEMBERS),
    "my.activity": ("GET", "/p/{key}/activity", MEMBERS),
    "projects.members": ("GET", "/p/{key}/members", MEMBERS),
    "projects.add_member": ("POST", "/p/{key}/members", only(Role.SECRETARIAT)),
    "projects.set_roles": ("POST", "/p/{key}/members/{membership_id}/roles",
                           only(Role.SECRETARIAT)),
    "projects.confirm_remove_member": ("GET", "/p/{key}/members/{membership_id}/remove",
                                       only(Role.SECRETARIAT)),
    "projects.remove_member": ("POST", "/p/{key}/members/{membership_id}/remove",
                               only(Role.SECRETARIAT)),
    "projects.organisations": ("GET", "/p/{key}/organisations", MEMBERS),
    "projects.add_organisation": ("POST", "/p/{key}/organisations", only(Role.SECRETARIAT)),
    "projects.confirm_remove_organisation": ("GET",
                                             "/p/{key}/organisations/{organisation_id}/remove",
                                             only(Role.SECRETARIAT)),
    "projects.remove_organisation": ("POST", "/p/{key}/organisations/{organisation_id}/remove",
                                     only(Role.SECRETARIAT)),
    # Invitations: sent, sent again and revoked by those who manage the members; the link is
    # anyone's who has it (its token is the secret); the list of all is the administrators'.
    "invitations.invite": ("POST", "/p/{key}/invitations", only(Role.SECRETARIAT)),
    "invitations.resend": ("POST", "/p/{key}/invitations/{invitation_id}/resend",
                           only(Role.SECRETARIAT)),
    "invitations.revoke": ("POST", "/p/{key}/invitations/{invitation_id}/revoke",
                           only(Role.SECRETARIAT)),
    "invitations.show": ("GET", "/invitations/{invitation_token}", PUBLIC),
    "invitations.accept": ("POST", "/invitations/{invitation_token}", PUBLIC),
    "invitations.admin": ("GET", "/admin/invitations", SITE_ADMIN),
    # The project archive (app/archive): the secretariat's and site administrators'. The
    # path's export is a finished archive of project A; the import without a file answers 422.
    "archive.index": ("GET", "/p/{key}/archive", only(Role.SECRETARIAT)),
    "archive.export": ("POST", "/p/{key}/archive/exports", only(Role.SECRETARIAT)),
    "archive.download": ("GET", "/p/{key}/archive/exports/{archive_export_id}/download",
                         only(Role.SECRETARIAT)),
    "archive.import_archive": ("POST", "/p/{key}/archive/import", only(Role.SECRETARIAT)),
    "audit.index": ("GET", "/audit", SITE_ADMIN),
    "audit.project": ("GET", "/p/{key}/audit", only(Role.SECRETARIAT)),
    # Requirement discovery. The path's need was submitted by another municipality (Aarhus).
    "discovery.index": ("GET", "/p/{key}/needs", MEMBERS),
    "discovery.export_csv": ("GET", "/p/{key}/needs.csv", MEMBERS),
    "discovery.new": ("GET", "/p/{key}/needs/new",
                      only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR, site_admin="403")),
    "discovery.show": ("GET", "/p/{key}/needs/{need}", MEMBERS),
    "discovery.edit": ("GET", "/p/{key}/needs/{need}/edit",
                       only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403")),
    # Archiving a need (the item with empty input answers 409 twice or 303): whoever edits it.
    "discovery.archive": ("POST", "/p/{key}/needs/{need}/archive",
                          only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403")),
    "discovery.restore": ("POST", "/p/{key}/needs/{need}/restore",
                          only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403")),
    "discovery.confirm_delete": ("GET", "/p/{key}/needs/{need}/delete", only(Role.SECRETARIAT)),
    "discovery.delete": ("POST", "/p/{key}/needs/{need}/delete", only(Role.SECRETARIAT)),
    "discovery.change_status": ("POST", "/p/{key}/needs/{need}/status",
                                only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403")),
    "discovery.cosponsor_form": ("GET", "/p/{key}/needs/{need}/cosponsor",
                                 only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR, site_admin="403")),
    "discovery.cosponsor": ("POST", "/p/{key}/needs/{need}/cosponsor",
                            only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR, site_admin="403")),
    # Nobody in the table co-sponsors the path's need, so changing it is refused with 409.
    "discovery.update_cosponsorship": ("POST", "/p/{key}/needs/{need}/cosponsor/edit",
                                       only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR,
                                            site_admin="403")),
    "discovery.withdraw_cosponsorship": ("POST", "/p/{key}/needs/{need}/cosponsor/withdraw",
                                         only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR,
                                              site_admin="403")),
    "discovery.add_note": ("POST", "/p/{key}/needs/{need}/notes", rule(site_admin="403")),
    "discovery.escalate": ("POST", "/p/{key}/needs/{need}/escalate",
                           only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403")),
    "discovery.withdraw_escalation": ("POST", "/p/{key}/needs/{need}/escalation/withdraw",
                                      only(Role.PRODUCT_OWNER, Role.SECRETARIAT,
                                           site_admin="403")),
    # The decision log: every member reads it; the steering group and the secretariat record.
    "decisions.index": ("GET", "/p/{key}/decisions", MEMBERS),
    "decisions.export_csv": ("GET", "/p/{key}/decisions.csv", MEMBERS),
    "decisions.record": ("POST", "/p/{key}/decisions",
                         only(Role.STEERING, Role.SECRETARIAT, site_admin="403")),
    "decisions.show": ("GET", "/p/{key}/decisions/{decision_id}", MEMBERS),
    # Estimates and funding. The path's pledge is Ballerup's (the product owner's own) on the
    # Aarhus need, still only pledged: invoicing it answers 409; the path's loan is Ballerup's.
    "funding.estimate": ("POST", "/p/{key}/needs/{need}/estimates",
                         only(Role.DELIVERY_LEAD, site_admin="403")),
    "funding.pledge": ("POST", "/p/{key}/needs/{need}/pledges",
                       only(Role.PRODUCT_OWNER, site_admin="403")),
    "funding.change_pledge": ("POST", "/p/{key}/needs/{need}/pledges/{pledge_id}/edit",
                              only(Role.PRODUCT_OWNER, site_admin="403")),
    "funding.confirm_pledge": ("POST", "/p/{key}/needs/{need}/pledges/{pledge_id}/confirm",
                               only(Role.PRODUCT_OWNER, site_admin="403")),
    "funding.withdraw_pledge": ("POST", "/p/{key}/needs/{need}/pledges/{pledge_id}/withdraw",
                                only(Role.PRODUCT_OWNER, site_admin="403")),
    "funding.invoice_pledge": ("POST", "/p/{key}/needs/{need}/pledges/{pledge_id}/invoice",
                               only(Role.SECRETARIAT, site_admin="403")),
    "funding.index": ("GET", "/p/{key}/funding", MEMBERS),
    "funding.ledger_csv": ("GET", "/p/{key}/funding/ledger.csv", MEMBERS),
    "funding.set_budget": ("POST", "/p/{key}/funding/budget",
                           only(Role.SECRETARIAT, site_admin="403")),
    "funding.record_loan": ("POST", "/p/{key}/funding/loans",
                            only(Role.SECRETARIAT, site_admin="403")),
    "funding.record_repayment": ("POST", "/p/{key}/funding/loans/{loan_id}/repayments",
                                 only(Role.SECRETARIAT, site_admin="403")),
    # The coordination group's round (app/rounds): every member reads the criteria, rounds and
    # results; the secretariat edits, opens, closes and orders; product owners of participating
    # municipalities score and vote (the path's need is submitted, so scoring it answers 409).
    "rounds.criteria": ("GET", "/p/{key}/evaluation/criteria", MEMBERS),
    "rounds.update_criteria": ("POST", "/p/{key}/evaluation/criteria", ROUND_KEEPERS),
    "rounds.score_form": ("GET", "/p/{key}/needs/{need}/scores", VOTERS),
    "rounds.score": ("POST", "/p/{key}/needs/{need}/scores", VOTERS),
    "rounds.index": ("GET", "/p/{key}/rounds", MEMBERS),
    "rounds.open_round": ("POST", "/p/{key}/rounds", ROUND_KEEPERS),
    "rounds.show": ("GET", "/p/{key}/rounds/{round_number}", MEMBERS),
    "rounds.results": ("GET", "/p/{key}/rounds/{closed_round_number}/results", MEMBERS),
    "rounds.cast_ballot": ("POST", "/p/{key}/rounds/{round_number}/ballot", VOTERS),
    "rounds.close": ("POST", "/p/{key}/rounds/{round_number}/close", ROUND_KEEPERS),
    "rounds.order": ("POST", "/p/{key}/rounds/{closed_round_number}/orders", ROUND_KEEPERS),
    "rounds.confirm_order": ("POST", "/p/{key}/rounds/{closed_round_number}/orders/"
                             "{round_order_id}/confirm", ROUND_KEEPERS),
    "decisions.update_record": ("POST", "/p/{key}/decisions/{decision_id}/record",
                                only(Role.STEERING, Role.SECRETARIAT, site_admin="403")),
    # Benefit realisation: every member reads the report and a follow-up; only the product
    # owners of the follow-up's own municipality (Ballerup, project A's) answer it.
    "value.index": ("GET", "/p/{key}/value", MEMBERS),
    "value.export_csv": ("GET", "/p/{key}/value.csv", MEMBERS),
    "value.follow_up": ("GET", "/p/{key}/value/follow-ups/{follow_up}", MEMBERS),
    "value.answer": ("POST", "/p/{key}/value/follow-ups/{follow_up}",
                     only(Role.PRODUCT_OWNER, site_admin="403")),
    # A municipality's own coverage, across the projects of the person asking.
    "value.my_coverage": ("GET", "/my/coverage", EVERYONE_SIGNED_IN),
    # Traceability: linking needs and backlog items (the item of the path is not linked).
    "discovery.link_item": ("POST", "/p/{key}/needs/{need}/items", ITEM_EDITORS),
    "discovery.unlink_item": ("POST", "/p/{key}/needs/{need}/items/{number}/unlink",
                              ITEM_EDITORS),
    "discovery.new_item": ("GET", "/p/{key}/needs/{need}/items/new", ITEM_EDITORS),
    # The public roadmap (the path's project publishes it; other projects answer 404).
    "roadmap.index": ("GET", "/roadmap/{key}", PUBLIC),
    "roadmap.feed": ("GET", "/roadmap/{key}/feed.atom", PUBLIC),
    "digests.update_subscriptions": ("POST", "/settings/digests", EVERYONE_SIGNED_IN),
    # Attachments: the path's item is the product owner's, and so is its attached image. An
    # upload without a file is refused with 422.
    "attachments.upload": ("POST", "/p/{key}/attachments/item/{item_id}", COMMENTERS),
    "attachments.file": ("GET", "/p/{key}/files/{attachment_id}", MEMBERS),
    "attachments.thumbnail": ("GET", "/p/{key}/files/{attachment_id}/thumbnail", MEMBERS),
    "attachments.delete": ("GET", "/p/{key}/files/{attachment_id}/delete",
                           only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403")),
    "digests.preview": ("GET", "/p/{key}/digest", MEMBERS),
    # A past digest is its recipient's alone (the steering member here); others get 404.
    "digests.delivery": ("GET", "/p/{key}/digest/{delivery_id}",
                         rule(default="404", site_admin="404", steering="ok")),
    "digests.admin": ("GET", "/admin/digests", SITE_ADMIN),
    # The world's delivery was sent, so the administrator's retry is refused with 409.
    "digests.retry_delivery": ("POST", "/admin/digests/{delivery_id}/retry", SITE_ADMIN),
    "digests.unsubscribe": ("GET", "/unsubscribe/{unsubscribe_token}", PUBLIC),
    "digests.unsubscribe_one_click": ("POST", "/unsubscribe/{unsubscribe_token}", PUBLIC),
    # Development only, and only for site administrators (404 for everyone else).
    "mail.outbox": ("GET", "/dev/outbox", rule(outsider="404", default="404")),
    "mail.outbox_message": ("GET", "/dev/outbox/{outbox_name}",
                            rule(outsider="404", default="404")),
    # Backlog and board (app/backlog/permissions.py, app/board/permissions.py). Site
    # administrators see every project but take no part in its work.
    "backlog.index": ("GET", "/p/{key}/backlog", MEMBERS),
    "backlog.export_csv": ("GET", "/p/{key}/backlog.csv", MEMBERS),
    "backlog.create": ("POST", "/p/{key}/backlog/items", ITEM_EDITORS),
    "backlog.item": ("GET", "/p/{key}/items/{number}", MEMBERS),
    "backlog.update": ("POST", "/p/{key}/items/{number}", ITEM_EDITORS),
    "backlog.edit": ("GET", "/p/{key}/items/{number}/edit", ITEM_EDITORS),
    "backlog.row": ("GET", "/p/{key}/items/{number}/row", MEMBERS),
    "backlog.edit_field": ("GET", "/p/{key}/items/{number}/fields/title", ITEM_EDITORS),
    "backlog.update_field": ("POST", "/p/{key}/items/{number}/fields/title", ITEM_EDITORS),
    "backlog.rank": ("POST", "/p/{key}/items/{number}/rank",
                     only(Role.PRODUCT_OWNER, site_admin="403")),
    "backlog.preview": ("POST", "/p/{key}/items/preview", COMMENTERS),
    "backlog.comment": ("POST", "/p/{key}/items/{number}/comments", COMMENTERS),
    # Imports (app/imports/permissions.py): items from Jira or GitHub by the secretariat and
    # delivery leads, needs from a spreadsheet by the secretariat. Uploads without a file are
    # refused with 422; the paths' uploads are the secretariat's.
    "imports.items_form": ("GET", "/p/{key}/import/items", ITEM_IMPORTERS),
    "imports.upload_items": ("POST", "/p/{key}/import/items", ITEM_IMPORTERS),
    "imports.items_preview": ("GET", "/p/{key}/import/items/{items_token}", SECRETARIAT_S_UPLOAD),
    "imports.import_items": ("POST", "/p/{key}/import/items/{items_token}",
                             SECRETARIAT_S_UPLOAD),
    "imports.needs_form": ("GET", "/p/{key}/import/needs", NEED_IMPORTERS),
    "imports.upload_needs": ("POST", "/p/{key}/import/needs", NEED_IMPORTERS),
    "imports.needs_preview": ("GET", "/p/{key}/import/needs/{needs_token}", NEED_IMPORTERS),
    "imports.import_needs": ("POST", "/p/{key}/import/needs/{needs_token}", NEED_IMPORTERS),
    # Tidying (app/backlog/permissions.py): editors archive and restore and manage labels; the
    # secretariat and site administrators delete archived items; a comment's author (the
    # product owner here) edits and deletes it.
    "backlog.archive": ("POST", "/p/{key}/items/{number}/archive", ITEM_EDITORS),
    "backlog.restore": ("POST", "/p/{key}/items/{number}/restore", ITEM_EDITORS),
    "backlog.confirm_delete": ("GET", "/p/{key}/items/{number}/delete", ITEM_DELETERS),
    "backlog.delete": ("POST", "/p/{key}/items/{number}/delete", ITEM_DELETERS),
    "backlog.show_comment": ("GET", "/p/{key}/comments/{comment_id}", MEMBERS),
    "backlog.edit_comment": ("GET", "/p/{key}/comments/{comment_id}/edit", COMMENT_AUTHOR),
    "backlog.update_comment": ("POST", "/p/{key}/comments/{comment_id}", COMMENT_AUTHOR),
    "backlog.confirm_delete_comment": ("GET", "/p/{key}/comments/{comment_id}/delete",
                                       COMMENT_AUTHOR),
    "backlog.delete_comment": ("POST", "/p/{key}/comments/{comment_id}/delete",
                               COMMENT_AUTHOR),
    "backlog.labels_index": ("GET", "/p/{key}/labels", ITEM_EDITORS),
    "backlog.rename_label": ("POST", "/p/{key}/labels/{label_id}/rename", ITEM_EDITORS),
    "backlog.merge_label": ("POST", "/p/{key}/labels/{label_id}/merge", ITEM_EDITORS),
    "backlog.delete_label": ("POST", "/p/{key}/labels/{label_id}/delete", ITEM_EDITORS),
    "board.index": ("GET", "/p/{key}/board", MEMBERS),
    "board.changes": ("GET", "/p/{key}/board/changes", MEMBERS),
    "board.more": ("GET", "/p/{key}/board/more?status=ready", MEMBERS),
    "board.move_form": ("GET", "/p/{key}/items/{number}/move", CARD_MOVERS),
    "board.move": ("POST", "/p/{key}/items/{number}/move", CARD_MOVERS),
    "board.wip": ("POST", "/p/{key}/board/wip",
                  only(Role.SECRETARIAT, Role.PRODUCT_OWNER, site_admin="403")),
    # Sprints (app/sprints/permissions.py): everyone in the project reads them; product owners
    # and delivery leads plan; the team writes the retrospective.
    "sprints.index": ("GET", "/p/{key}/sprints", MEMBERS),
    "sprints.create": ("POST", "/p/{key}/sprints", SPRINT_PLANNERS),
    "sprints.show": ("GET", "/p/{key}/sprints/{sprint_id}", MEMBERS),
    "sprints.update": ("POST", "/p/{key}/sprints/{sprint_id}", SPRINT_PLANNERS),
    "sprints.delete": ("POST", "/p/{key}/sprints/{sprint_id}/delete", SPRINT_PLANNERS),
    "sprints.commit": ("POST", "/p/{key}/sprints/{sprint_id}/items", SPRINT_PLANNERS),
    "sprints.remove": ("POST", "/p/{key}/sprints/{sprint_id}/items/remove", SPRINT_PLANNERS),
    "sprints.start": ("POST", "/p/{key}/sprints/{sprint_id}/start", SPRINT_PLANNERS),
    "sprints.close": ("POST", "/p/{key}/sprints/{sprint_id}/close", SPRINT_PLANNERS),
    "sprints.review": ("GET", "/p/{key}/sprints/{sprint_id}/review", MEMBERS),
    "sprints.retrospective": ("POST", "/p/{key}/sprints/{closed_sprint_id}/retrospective",
                              SPRINT_TEAM),
    # Personal access tokens (the path's token is the observer's) and the API's description.
    "api_pages.tokens_index": ("GET", "/settings/tokens", EVERYONE_SIGNED_IN),
    "api_pages.create_token": ("POST", "/settings/tokens", EVERYONE_SIGNED_IN),
    "api_pages.revoke_token": ("POST", "/settings/tokens/{token_id}/revoke",
                               rule(default="404", site_admin="404", observer="ok")),
    "api_pages.docs": ("GET", "/api", PUBLIC),
    # Outgoing webhooks: the secretariat, the delivery lead and site administrators.
    "webhooks.index": ("GET", "/p/{key}/webhooks", WEBHOOK_MANAGERS),
    "webhooks.new": ("GET", "/p/{key}/webhooks/new", WEBHOOK_MANAGERS),
    "webhooks.show": ("GET", "/p/{key}/webhooks/{webhook_id}", WEBHOOK_MANAGERS),
    "webhooks.edit": ("GET", "/p/{key}/webhooks/{webhook_id}/edit", WEBHOOK_MANAGERS),
    "webhooks.confirm_delete": ("GET", "/p/{key}/webhooks/{webhook_id}/delete",
                                WEBHOOK_MANAGERS),
    "webhooks.delete": ("POST", "/p/{key}/webhooks/{webhook_id}/delete", WEBHOOK_MANAGERS),
    "webhooks.replace_secret": ("POST", "/p/{key}/webhooks/{webhook_id}/secret",
                                WEBHOOK_MANAGERS),
    "webhooks.ping": ("POST", "/p/{key}/webhooks/{webhook_id}/ping", WEBHOOK_MANAGERS),
    "webhooks.redeliver": ("POST", "/p/{key}/webhooks/{webhook_id}/deliveries/"
                                   "{webhook_delivery_id}/redeliver", WEBHOOK_MANAGERS),
    "api.openapi": ("GET", "/api/v1/openapi.json", PUBLIC),
    # The JSON API: the pages' rights, with tokens (tests/test_permissions.py sends them).
    "api.projects": ("GET", "/api/v1/projects", api(EVERYONE_SIGNED_IN)),
    "api.project": ("GET", "/api/v1/projects/{key}", api(MEMBERS)),
    "api.members": ("GET", "/api/v1/projects/{key}/members", api(MEMBERS)),
    "api.items": ("GET", "/api/v1/projects/{key}/items", api(MEMBERS)),
    "api.create_item": ("POST", "/api/v1/projects/{key}/items", api(ITEM_EDITORS)),
    "api.item": ("GET", "/api/v1/projects/{key}/items/{number}", api(MEMBERS)),
    "api.update_item": ("PATCH", "/api/v1/projects/{key}/items/{number}", api(ITEM_EDITORS)),
    "api.move": ("POST", "/api/v1/projects/{key}/items/{number}/move", api(CARD_MOVERS)),
    "api.rank": ("POST", "/api/v1/projects/{key}/items/{number}/rank",
                 api(only(Role.PRODUCT_OWNER, site_admin="403"))),
    "api.comments": ("GET", "/api/v1/projects/{key}/items/{number}/comments", api(MEMBERS)),
    "api.create_comment": ("POST", "/api/v1/projects/{key}/items/{number}/comments",
                           api(COMMENTERS)),
    "api.needs": ("GET", "/api/v1/projects/{key}/needs", api(MEMBERS)),
    "api.create_need": ("POST", "/api/v1/projects/{key}/needs",
                        api(only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR, site_admin="403"))),
    "api.need": ("GET", "/api/v1/projects/{key}/needs/{need}", api(MEMBERS)),
    "api.change_need_status": ("POST", "/api/v1/projects/{key}/needs/{need}/status",
                               api(only(Role.PRODUCT_OWNER, Role.SECRETARIAT,
                                        site_admin="403"))),
    "api.cosponsor": ("PUT", "/api/v1/projects/{key}/needs/{need}/cosponsorship",
                      api(only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR, site_admin="403"))),
    "api.withdraw_cosponsorship": ("DELETE", "/api/v1/projects/{key}/needs/{need}/cosponsorship",
                                   api(only(Role.PRODUCT_OWNER, Role.CONTRIBUTOR,
                                            site_admin="403"))),
    "api.link_item": ("POST", "/api/v1/projects/{key}/needs/{need}/items", api(ITEM_EDITORS)),
    "api.sprints": ("GET", "/api/v1/projects/{key}/sprints", api(MEMBERS)),
    "api.sprint": ("GET", "/api/v1/projects/{key}/sprints/{sprint_id}", api(MEMBERS)),
    "api.commit_to_sprint": ("POST", "/api/v1/projects/{key}/sprints/{sprint_id}/items",
                             api(SPRINT_PLANNERS)),
    "api.remove_from_sprint": ("DELETE",
                               "/api/v1/projects/{key}/sprints/{sprint_id}/items/{number}",
                               api(SPRINT_PLANNERS)),
    "api.decisions": ("GET", "/api/v1/projects/{key}/decisions", api(MEMBERS)),
    "api.decision": ("GET", "/api/v1/projects/{key}/decisions/{decision_id}", api(MEMBERS)),
    "api.record": ("POST", "/api/v1/projects/{key}/decisions",
                   api(only(Role.STEERING, Role.SECRETARIAT, site_admin="403"))),
    "api.roadmap": ("GET", "/api/v1/projects/{key}/roadmap", api(MEMBERS)),
    # Code forges: the secretariat and the delivery lead connect; the forges' messages are
    # signed, not signed in (unsigned: 401 for everyone).
    "forges.settings": ("GET", "/p/{key}/development", FORGE_MANAGERS),
    "forges.make_secret": ("POST", "/p/{key}/development/secret", FORGE_MANAGERS),
    "forges.change_settings": ("POST", "/p/{key}/development/settings", FORGE_MANAGERS),
    "forges.disconnect": ("POST", "/p/{key}/development/disconnect", FORGE_MANAGERS),
    "hooks.receive": ("POST", "/hooks/github/{forge_token}",
                      rule(anonymous="401", outsider="401", site_admin="401", default="401")),
    # The need's texts: product owners, the secretariat and the need's submitter.
    "api.update_need": ("PATCH", "/api/v1/projects/{key}/needs/{need}",
                        api(only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403"))),
    "api.notes": ("GET", "/api/v1/projects/{key}/needs/{need}/notes", api(MEMBERS)),
    "api.create_note": ("POST", "/api/v1/projects/{key}/needs/{need}/notes",
                        api(rule(site_admin="403"))),
    "api.item_files": ("GET", "/api/v1/projects/{key}/items/{number}/attachments", api(MEMBERS)),
    "api.attach_to_item": ("POST", "/api/v1/projects/{key}/items/{number}/attachments",
                           api(COMMENTERS)),
    "api.need_files": ("GET", "/api/v1/projects/{key}/needs/{need}/attachments", api(MEMBERS)),
    "api.attach_to_need": ("POST", "/api/v1/projects/{key}/needs/{need}/attachments",
                           api(rule(site_admin="403"))),
    "api.attachment_content": ("GET", "/api/v1/projects/{key}/attachments/{attachment_id}/content",
                               api(MEMBERS)),
    "api.delete_attachment": ("DELETE", "/api/v1/projects/{key}/attachments/{attachment_id}",
                              api(only(Role.PRODUCT_OWNER, Role.SECRETARIAT, site_admin="403"))),
}
