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
