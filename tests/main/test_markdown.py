from app.markdown import render_markdown


def test_markdown_renders_formatting_and_safe_links():
    html = render_markdown("**Vigtigt**: se [Kitos](https://os2.eu/produkt/os2kitos)")
    assert "<strong>Vigtigt</strong>" in html
    assert 'href="https://os2.eu/produkt/os2kitos"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_markdown_drops_raw_html_and_script_links():
    html = render_markdown('<script>alert(1)</script> [x](javascript:alert(1)) '
                           '<img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, not dropped: nothing the user wrote is lost
