"""Markdown for every user-written text: raw HTML off, then sanitised, links made safe."""
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup
import nh3

_md = MarkdownIt("js-default").enable("table").enable("strikethrough")

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to safe HTML: no raw HTML, no scripts, only http(s)/mailto links."""
    if not text:
        return Markup("")
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


def _render(text: str) -> Markup:
    html = _md.render(text)
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def init_app(app) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
