"""Markdown rendering keeps formatting and drops anything executable (SECURITY.md T39)."""

import re
from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from itsm.markup import render_markdown

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}
# Browsers ignore these characters inside a URL scheme, so "java\tscript:" still runs.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


class Inspector(HTMLParser):
    """Collects tags and attributes with entities already decoded, as a browser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def dangers(html: str) -> list[str]:
    """Every executable construct in ``html``: script-like tags, handlers, script URLs."""
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    found = [f"<{tag}>" for tag in inspector.tags if tag in {"script", "iframe", "svg", "img"}]
    for name, value in inspector.attributes:
        if name.startswith("on") or name in {"style", "srcdoc"}:
            found.append(f"{name}=")
        if name in URL_ATTRIBUTES:
            url = IGNORED_IN_SCHEME.sub("", value).lower()
            if url.startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{name}={value}")
    if "<script" in html.lower():
        found.append("<script")
    return found


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<p onclick="alert(1)">hi</p>',
    '<a href="#" onmouseover="alert(1)">x</a>',
    '"><script>alert(1)</script>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#115;cript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](javascript:\nalert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


@pytest.mark.parametrize("text", XSS)
def test_executable_content_is_removed(text):
    html = render_markdown(text)

    assert dangers(html) == []


def test_the_inspector_spots_what_it_must():
    # Guards the guard: if dangers() went blind every test above would pass vacuously.
    assert dangers('<a href="&#x6A;ava&#09;script:x">a</a>') == ["href=java\tscript:x"]
    assert dangers('<p onclick="x">a</p>') == ["onclick="]
    assert "<script>" in dangers("<script>x</script>")


def test_basic_formatting_is_kept():
    html = render_markdown(
        "# Title\n\n**bold** *em* `code`\n\n- one\n- two\n\n> quoted\n\n```\nblock\n```"
    )

    for fragment in [
        "<strong>bold</strong>",
        "<em>em</em>",
        "<code>code</code>",
        "<li>one</li>",
        "<blockquote>",
        "<pre><code>block",
    ]:
        assert fragment in html


def test_safe_links_are_kept_with_rel():
    html = render_markdown('[docs](https://example.com/a?b=1 "Docs") <mailto:it@example.com>')

    assert (
        '<a href="https://example.com/a?b=1" title="Docs" rel="noopener noreferrer nofollow">'
        in html
    )
    assert "mailto:it@example.com" in html


def test_unsafe_link_stays_visible_as_text():
    html = render_markdown("[click me](javascript:alert(1))")

    assert "click me" in html
    assert "<a" not in html


def test_output_is_marked_safe_and_empty_input_is_fine():
    assert isinstance(render_markdown("x"), SafeString)
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


# Glued to each other and to random text, these make half-open tags, entities and links.
PIECES = [
    *"<>\"'&()[]=`*\t\n\x00",
    "&#",
    "](",
    " on",
    "javascript:",
    "data:",
    "<a href=",
    "onerror",
]
fragments = st.sampled_from(XSS + PIECES)
texts = st.one_of(st.text(), st.lists(st.one_of(fragments, st.text(max_size=5))).map("".join))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fuzz_output_never_executes(text):
    html = render_markdown(text)

    assert dangers(html) == []
