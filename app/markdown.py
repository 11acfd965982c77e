"""Markdown for every user-written text: raw HTML off, then sanitised, links made safe."""
import re
from collections.abc import Callable
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
import nh3

_md = MarkdownIt("js-default").enable("table").enable("strikethrough")

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


# Mentions `@[Name](user:42)` and references (`OVB-12` items, `#19` needs) depend on who reads
# and where: an area above plugs in a resolver for the current request (see
# app/notifications/references.py) answering user(id) -> current name or None (not a member),
# item(number) / need(number) -> the address or None (no such thing the reader may see).
_resolver: dict[str, Callable | None] = {"current": None}
CANDIDATES = re.compile(r"@\[|[A-Z0-9]-\d|#\d")
MENTION_HREF = re.compile(r"^user:(\d{1,10})$")
REFERENCE = re.compile(r"(?<![\w/-])(?:([A-Z][A-Z0-9]{1,9})-(\d{1,9})|#(\d{1,9}))(?![\w-])")


def set_reference_resolver(factory: Callable | None) -> None:
    """`factory()` gives the current request's resolver, or None outside a project."""
    _resolver["current"] = factory


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to safe HTML: no raw HTML, no scripts, only http(s)/mailto links."""
    if not text:
        return Markup("")
    factory = _resolver["current"]
    resolver = factory() if factory is not None and CANDIDATES.search(text) else None
    if resolver is not None:
        return _render(text, resolver)
    if len(text) <= CACHED_LENGTH:
        return _render_cached(text)
    return _render(text)


# Rendering is a pure function of the text, and the same texts (comments, descriptions,
# needs) are shown again and again: an item page with 50 comments spent a fifth of its time
# here. Short texts are remembered per process; long ones are rendered each time.
CACHED_LENGTH = 4000


@lru_cache(maxsize=2048)
def _render_cached(text: str) -> Markup:
    return _render(text)


def _render(text: str, resolver=None) -> Markup:
    html = _md.render(text, {"resolver": resolver})
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(href: str, content: str) -> list[Token]:
    return [Token("link_open", "a", 1, attrs={"href": href}), _text(content),
            Token("link_close", "a", -1)]


def _mention(children: list[Token], i: int, resolver) -> tuple[list[Token], int] | None:
    """`@[Name](user:42)`: the current name in bold for a member, the written text otherwise."""
    match = MENTION_HREF.match(children[i].attrGet("href") or "")
    if not match or i + 2 >= len(children) or children[i + 1].type != "text" \
            or children[i + 2].type != "link_close":
        return None
    name = resolver.user(int(match.group(1)))
    if name is None:
        return [_text(children[i + 1].content)], 3
    return [Token("strong_open", "strong", 1), _text(name), Token("strong_close", "strong", -1)], 3


def _references(content: str, resolver) -> list[Token]:
    out, last = [], 0
    for match in REFERENCE.finditer(content):
        key, item, need = match.groups()
        url = resolver.item(key, int(item)) if item else resolver.need(int(need))
        if url is None:
            continue
        out += [_text(content[last:match.start()]), *_link(url, match.group(0))]
        last = match.end()
    return [*out, _text(content[last:])] if out else [_text(content)]


def _resolve_references(state) -> None:
    """A markdown-it core rule: mentions and references become names and links (code spans and
    blocks are left alone; the sanitiser still checks every link made here)."""
    resolver = (state.env or {}).get("resolver")
    if resolver is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, out, i, depth = block.children, [], 0, 0
        while i < len(children):
            child = children[i]
            replaced = _mention(children, i, resolver) if child.type == "link_open" else None
            if replaced is not None:
                out += replaced[0]
                i += replaced[1]
                continue
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            out += _references(child.content, resolver) \
                if child.type == "text" and depth == 0 else [child]
            i += 1
        block.children = out


_md.core.ruler.push("references", _resolve_references)


def init_app(app) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
