"""A corpus of XSS payloads and checks that rendered HTML is inert. Reusable by every area:

    from tests.security.xss_corpus import PAYLOADS, assert_inert_fragment, assert_inert_page

    html = render_markdown(payload);  assert_inert_fragment(html)     # Markdown output
    page = client.get(url).get_data(as_text=True);  assert_inert_page(page, payload)

`assert_inert_page` relies on our templates having no inline script, no event handler
attributes and no `javascript:` URLs (tests/security/test_templates.py holds them to it), so
any such thing in a page can only have come from user input.
"""
import html as html_lib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

PAYLOADS = [
    # script tags, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    # javascript: links, in Markdown and raw
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](%6A%61vascript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![img](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[click](vbscript:msgbox(1))",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    '<input autofocus onfocus=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # data: URLs
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    # broken and unclosed tags
    "<img src=x onerror=alert(1)//",
    "<a href='javascript:alert(1)'",
    "<<script>alert(1)//<</script>",
    "<div <img src=x onerror=alert(1)>>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # frames, embeds and forms
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    # style and expression()
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<p style="x:expr/**/ession(alert(1))">x</p>',
    # entity-encoded and escaped variants
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "{{ 7*7 }} {% raw %}",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    # mentions and references (app/notifications/references.py)
    "@[<script>alert(1)</script>](user:1)",
    "@[x](user:1)<script>alert(1)</script>",
    '@[x"><img src=x onerror=alert(1)>](user:1)',
    "@[x](javascript:alert(1))",
    "[ALPHA-1](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">ALPHA-1</a> #1 <img src=x onerror=alert(1)>",
    "ALPHA-1<script>alert(1)</script>#1",
]

DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "style", "link", "meta", "base", "form", "input", "button", "textarea", "select", "img",
    "video", "audio", "source", "details", "body", "html", "head", "template",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc",
                  "background", "poster", "srcset", "content"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html: str):
    """Every element of `html` as (tag, [(attribute, value), …]), values entity-decoded."""
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def dangerous_url(value: str | None) -> bool:
    """A URL a browser would run or render as a document: javascript:, vbscript:, data:."""
    if not value:
        return False
    cleaned = _INVISIBLE.sub("", html_lib.unescape(value)).lower()
    return cleaned.startswith(BAD_SCHEMES) or urlsplit(cleaned).scheme in {
        s.rstrip(":") for s in BAD_SCHEMES}


def problems(html: str, *, allowed_tags=frozenset(), allow_script_src_prefix=None,
             allow_htmx: bool = False) -> list[str]:
    """What in `html` could run script; an empty list when it is inert."""
    found = []
    for tag, attrs in elements(html):
        if tag == "script" and allow_script_src_prefix and not any(
                n == "src" and (v or "").startswith(allow_script_src_prefix) for n, v in attrs):
            found.append(f"<script> without a local src: {attrs}")
        elif tag in DANGEROUS_TAGS and tag not in allowed_tags:
            found.append(f"<{tag}> element: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                found.append(f"style= on <{tag}>")
            if name in URL_ATTRIBUTES and dangerous_url(value):
                found.append(f"{name}={value!r} on <{tag}>")
            htmx = name.removeprefix("data-")
            if htmx.startswith("hx-on") or (htmx.startswith("hx-") and not allow_htmx):
                found.append(f"htmx attribute {name}= on <{tag}>")
    return found


def assert_inert_fragment(html: str) -> None:
    """User content rendered to HTML (e.g. Markdown) holds nothing that can run."""
    found = problems(html)
    assert not found, f"not inert: {found}\n{html}"


def assert_links_are_safe(html: str) -> None:
    """Every link opens without giving the target page a handle on ours."""
    for tag, attrs in elements(html):
        if tag == "a" and any(n == "href" for n, _ in attrs):
            rel = dict(attrs).get("rel") or ""
            assert {"noopener", "noreferrer"} <= set(rel.split()), f"link without rel: {attrs}"


# The pages' own markup: forms, inputs and scripts from /static are ours.
PAGE_TAGS = frozenset({"script", "form", "input", "button", "textarea", "select", "link",
                       "meta", "html", "head", "body", "img", "details", "template"})


def assert_inert_page(html: str, payload: str | None = None) -> None:
    """A whole page shows user text as text: no script but ours, no handlers, no bad URLs.

    With `payload`, also checks the text was rendered at all (escaped), so the test proves
    something.
    """
    found = problems(html, allowed_tags=PAGE_TAGS, allow_script_src_prefix="/static/",
                     allow_htmx=True)
    injected = [p for p in found if not p.startswith("<")]
    tags = [t for t, _ in elements(html)]
    for tag in ("iframe", "svg", "object", "embed", "math", "style", "base", "frame"):
        if tag in tags:
            injected.append(f"<{tag}> element")
    injected += [p for p in found if p.startswith("<script>")]
    assert not injected, f"page not inert: {injected}"
    if payload is not None:
        from markupsafe import escape

        assert str(escape(payload)) in html, f"payload not shown as text: {payload!r}"
