"""Markdown and PDF exports: the text comes back out, and user text cannot add markup."""

import re
import zlib

import pytest
from markdown_it import MarkdownIt

from postmortems import export, services
from postmortems.tests.factories import make_postmortem

pytestmark = pytest.mark.django_db

HOSTILE = (
    "[click](https://evil.example) ![x](https://evil.example/p.png) <script>alert(1)</script>\n"
    "# heading\n    indented code\n* list _em_ **strong** `code` <https://evil.example>\n"
    "| a | b |\n|---|---|\n1. one\n> quote\n---"
)


def _rendered(markdown_text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown_text)


def test_markdown_escapes_user_text_so_it_adds_no_markup(people):
    postmortem = make_postmortem(people)
    services.postmortem_update(
        postmortem_id=postmortem.pk,
        actor=people["ravi"],
        changes={"summary": HOSTILE, "title": "Title [x](javascript:alert(1))"},
    )
    postmortem.refresh_from_db()
    html = _rendered(export.as_markdown(postmortem))

    for tag in ("<a ", "<img", "<script", "<em>", "<strong>", "<code>", "<table", "<blockquote"):
        assert tag not in html, tag
    # The exporter's own structure is there; the user's words are shown as typed.
    assert html.count("<h1>") == 1 and "<h2>Summary</h2>" in html
    assert "[click](https://evil.example)" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_response(people, client):
    postmortem = make_postmortem(people)
    client.force_login(people["sam"])
    response = client.get(f"/portal/postmortems/{postmortem.pk}/export.md")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response.content.decode().startswith("# Postmortem")


def _pdf_text(data: bytes) -> str:
    """The text drawn on the pages (fpdf2 writes core-font text as literal strings)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    content = b"\n".join(chunks).decode("latin-1")
    return "".join(re.findall(r"\(((?:[^()\\]|\\.)*)\)\s*Tj", content))


def test_pdf_renders_and_the_text_comes_back_out(people, client):
    postmortem = make_postmortem(people)
    services.postmortem_update(
        postmortem_id=postmortem.pk,
        actor=people["ravi"],
        changes={"title": "VPN certificate outage", "summary": "Résumé → what broke"},
    )
    services.action_item_add(postmortem_id=postmortem.pk, actor=people["ravi"], title="Add alerts")
    client.force_login(people["sam"])
    response = client.get(f"/portal/postmortems/{postmortem.pk}/export.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-")
    assert re.search(rb"/Type\s*/Pages", data) and re.search(rb"/Count \d+", data)
    text = _pdf_text(data)
    assert "VPN certificate outage" in text
    assert "Add alerts" in text
    assert "Résumé ? what broke" in text  # outside Latin-1 becomes "?"
