"""Markdown for every user-written text: raw HTML off, then sanitised, links made safe."""
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
