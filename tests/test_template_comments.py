"""Django's ``{# ... #}`` comments end on their own line: one left open runs on as page
text (the public pages once showed "{# Inline: one request per page ..." above their
header). Longer notes use ``{% comment %}``."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_template_comment_spans_lines():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    open_comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in folders
        for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert not open_comments, "a {# comment left open: " + ", ".join(open_comments)
