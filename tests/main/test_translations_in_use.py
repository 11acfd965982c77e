"""The strings a page and a message show are in the right language: the request's, or the
recipient's inside `force_locale`, in Python code and in templates alike (app/extensions.py
and app/i18n.py keep the translations per request and locale)."""
from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext, ngettext
from markupsafe import Markup

DANISH = {"Accept-Language": "da"}


def _page(source: str, **context) -> str:
    return render_template_string(source, **context)


def test_a_request_in_danish_and_a_message_in_english_within_it(app):
    with app.test_request_context("/", headers=DANISH):
        assert gettext("Sign in") == "Log ind"
        assert _page("{{ _('Sign in') }}") == "Log ind"
        with force_locale("en"):
            assert gettext("Sign in") == "Sign in"
            assert str(lazy_gettext("Sign in")) == "Sign in"
            assert _page("{{ _('Sign in') }}") == "Sign in"
            assert _page("{{ _('%(done)d of %(total)d done', done=1, total=3) }}") \
                == "1 of 3 done"
        # Back in the request's language once the message is written.
        assert gettext("Sign in") == "Log ind"
        assert _page("{{ _('%(done)d of %(total)d done', done=1, total=3) }}") \
            == "1 af 3 færdige"


def test_template_strings_escape_what_they_are_given_and_count(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        # A name inside a translated sentence is escaped; the sentence's own text is not.
        assert _page("{{ _('by %(name)s', name=who) }}", who="<b>Eve</b>") \
            == "by &lt;b&gt;Eve&lt;/b&gt;"
        assert _page("{{ _('by %(name)s', name=who) }}", who=Markup("<b>Eve</b>")) \
            == "by <b>Eve</b>"
        assert ngettext("%(num)d item", "%(num)d items", 2) == "2 items"
        assert _page("{% trans count=n %}{{ count }} item{% pluralize %}{{ count }} items"
                     "{% endtrans %}", n=1) == "1 item"


def test_outside_a_request_strings_are_in_the_default_language(app):
    with app.app_context():  # a scheduled job, a command
        assert gettext("Sign in") == "Log ind"
        assert _page("{{ _('Sign in') }}") == "Log ind"

