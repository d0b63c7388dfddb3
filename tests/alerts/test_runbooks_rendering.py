"""A runbook's Markdown shows as formatted text in the console, and nothing a runbook's
author writes can run, style or load anything there: raw HTML is shown as text, links
keep only web and mail addresses and open without a referrer, images become links."""

from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString

from alerts.runbooks import render


def test_markdown_becomes_formatted_text():
    html = render(
        "# Disk full\n\n1. Check `df -h`\n2. **Rotate** the logs\n\n"
        "```\njournalctl --vacuum-size=1G\n```\n\n> Ask *db-oncall* first."
    )

    assert isinstance(html, SafeString)
    assert "<h1>Disk full</h1>" in html
    assert "<ol>" in html
    assert "<li>Check <code>df -h</code></li>" in html
    assert "<strong>Rotate</strong>" in html
    assert "<pre><code>journalctl --vacuum-size=1G\n</code></pre>" in html
    assert "<blockquote>" in html
    assert "<em>db-oncall</em>" in html


def test_links_open_without_a_referrer():
    html = render(
        "See [the dashboard](https://grafana.example/d/disk) or [mail us](mailto:db@example.com)."
    )

    assert (
        '<a href="https://grafana.example/d/disk" rel="noopener noreferrer">the dashboard</a>'
        in html
    )
    assert '<a href="mailto:db@example.com" rel="noopener noreferrer">mail us</a>' in html


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="position:fixed;inset:0" onclick="alert(1)">covering</div>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox)",
        "<javascript:alert(1)>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        '[click](https://ok.example "title" onmouseover="alert(1)")',
        "*<svg onload=alert(1)>*",
    ],
)
def test_unsafe_markdown_is_neutralised(markdown):
    html = render(markdown)

    for tag, attrs in Elements(html).found:
        assert tag in {"p", "a", "em"}, html
        assert set(attrs) <= {"href", "title", "rel"}, html
        if tag == "a" and "href" in attrs:
            assert attrs["href"].startswith(("https:", "http:", "mailto:")), html
            assert attrs["rel"] == "noopener noreferrer"


def test_raw_html_is_shown_as_text_not_dropped():
    html = render("Run <kbd>sudo systemctl restart nginx</kbd> & wait")

    assert "&lt;kbd&gt;sudo systemctl restart nginx&lt;/kbd&gt; &amp; wait" in html


def test_images_become_links_so_nothing_loads_into_the_console():
    html = render("![the graph](https://tracker.example/pixel.png)")

    assert "<img" not in html
    assert (
        '<a href="https://tracker.example/pixel.png" rel="noopener noreferrer">the graph</a>'
        in html
    )
