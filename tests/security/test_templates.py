"""Every template keeps to the strict CSP: no inline script, no style attributes or elements,
no inline event handlers, no hx-on, no javascript: URLs. Templates added later are checked too."""
import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# E-mail bodies are not served under the CSP and need inline CSS to render in Outlook/Gmail.
STYLE_ALLOWED = ("email/",)

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
RULES = [
    ("a <script> element without src", re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)),
    ("a style= attribute", re.compile(r"""[\s"'](?:data-)?style\s*=""", re.I)),
    ("a <style> element", re.compile(r"<style\b", re.I)),
    ("an hx-on attribute", re.compile(r"\b(?:data-)?hx-on\b", re.I)),
    ("a javascript: URL", re.compile(r"javascript\s*:", re.I)),
    ("an inline event handler", re.compile(r"""<[^>]*[\s"']on[a-z]+\s*=""", re.I | re.S)),
]


def template_files():
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".htm", ".xml", ".svg"})


def violations(text: str, name: str = "") -> list[str]:
    """What in a template's text the CSP would block (or, for e-mails, what is unsafe)."""
    found = []
    for match in SCRIPT.finditer(text):
        if match.group(2).strip():
            found.append("an inline <script> body")
    for label, pattern in RULES:
        if "style" in label and name.startswith(STYLE_ALLOWED):
            continue
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{label} at line {line}: {match.group(0)[:60]!r}")
    return found


def test_there_are_templates_to_check():
    assert len(template_files()) >= 10


@pytest.mark.parametrize("path", template_files(),
                         ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_template_keeps_to_the_csp(path):
    found = violations(path.read_text(encoding="utf-8"), path.relative_to(TEMPLATES).as_posix())
    assert not found, f"{path.relative_to(TEMPLATES)}: {found}"


@pytest.mark.parametrize("bad", [
    "<script>alert(1)</script>", '<script src="/static/x.js">alert(1)</script>',
    '<p style="color:red">', "<style>p{}</style>", '<button hx-on:click="x()">',
    '<button hx-on="click: x()">', '<a href="javascript:void(0)">', '<img src=x onerror="x()">',
    '<body onload="init()">',
])
def test_the_scanner_catches(bad):
    assert violations(f"<div>\n{bad}\n</div>", "sample.html"), bad


def test_the_scanner_allows_what_we_use():
    assert violations('<script src="/static/js/x.js" defer></script>\n'
                      '<button hx-post="/x" hx-target="this" data-onboarding="1">ok</button>\n'
                      '<p class="style-note" aria-label="online">on=1</p>') == []
    assert violations('<td style="padding:4px">', "email/digest.html") == []


def test_form_fields_have_no_placeholder_aria_values(client):
    # WTForms renders a None attribute as the text "None": aria-invalid="None" is invalid ARIA.
    html = client.get("/login").get_data(as_text=True)
    assert '="None"' not in html
