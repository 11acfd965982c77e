"""Reading a page as a person does: its words, without the markup around them."""
import html
import re

# Elements inside a line of text: removing them joins nothing that was apart.
_INLINE = re.compile(r"</?(?:a|abbr|b|bdi|code|em|i|q|s|small|span|strong|time)\b[^>]*>", re.I)
_OTHER = re.compile(r"<[^>]+>")


def shown(markup: str) -> str:
    """The text of `markup` as it reads on the screen: tags removed (a block's edge becomes a
    space), entities decoded, runs of white space made one space."""
    text = _OTHER.sub(" ", _INLINE.sub("", markup))
    return re.sub(r"\s+", " ", html.unescape(text))


def own_browser(app, user):
    """A browser of `user`'s own, signed in: its own session, so its own CSRF token (the
    `login` fixture signs people in on the one shared client)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client
