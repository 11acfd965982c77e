"""Releases tested and signed off by municipalities, and the project's definition of done."""


def init_app(app) -> None:
    """Register the release pages, the notification target, sign-offs as attachment
    containers, the audit words, the public roadmap's releases and the item page's checklist."""
    from flask_babel import lazy_gettext as _l

    from app.audit.labels import register_actions, register_details
    from app.discovery.roadmap import register_release_source
    from app.releases import attachable, notify, pages, queries
    from app.releases.routes import bp

    app.register_blueprint(bp)
    notify.connect()
    attachable.register()
    register_release_source(queries.published)
    app.jinja_env.globals["done_panel"] = pages.done_panel
    register_actions({
        "release.created": _l("Release planned"),
        "release.updated": _l("Release changed"),
        "release.items_changed": _l("Release items changed"),
        "release.testers_changed": _l("Test municipalities changed"),
        "release.notes_generated": _l("Release notes written afresh"),
        "release.notes_edited": _l("Release notes edited"),
        "release.test_started": _l("Release sent to test"),
        "release.test_stopped": _l("Release taken back from test"),
        "release.signed_off": _l("Release signed off by a test municipality"),
        "release.accepted": _l("Release accepted"),
        "release.released": _l("Release released"),
        "release.cancelled": _l("Release cancelled"),
        "done.criteria_changed": _l("Definition of done changed"),
        "done.checked": _l("Definition of done ticked on an item"),
    })
    register_details({"override": _l("Accepted without every approval"),
                      "testers": _l("Test municipalities"),
                      "criteria": _l("The points of the definition of done"),
                      "unmet": _l("Points not met"),
                      "old_state": _l("Before"), "new_state": _l("After"),
                      "sign_off": _l("Sign-off"),
                      "planned_on": _l("Planned release date"),
                      "test_from": _l("Test window from"), "test_to": _l("Test window to")})
