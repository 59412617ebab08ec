"""A postmortem as Markdown and as PDF.

Markdown: every piece of user text is escaped, so it reads as the words typed and
never as markup: each ASCII punctuation character CommonMark lets a backslash escape is
escaped (no emphasis, links, images, headings, lists, tables, code or raw HTML can come
from user text, and ``<`` cannot open an autolink), and each line's leading blanks are
dropped (no indented code blocks). A bare URL a person typed stays the text they typed.
The structure (headings, the timeline and action-item lists) is the exporter's own.

PDF: fpdf2 with its core Helvetica font (no font files, no network); text outside
Latin-1 is replaced by ``?``, as the core fonts cannot draw it.
"""

import re

from fpdf import FPDF

from postmortems import selectors

ESCAPED = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=:\"'&$%^;,/@?])")


def escape(text) -> str:
    """``text`` as Markdown that renders as exactly these words, line by line."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(ESCAPED.sub(r"\\\1", line.strip()) for line in lines).strip()


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def _count(value) -> str:
    return "-" if value is None else str(value)


def _duration(value) -> str:
    if value is None:
        return "-"
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def sections(postmortem) -> list[tuple[str, list[str]]]:
    """The document as (heading, paragraphs of plain text), shared by both formats."""
    incident = postmortem.incident
    services = ", ".join(s.name for s in postmortem.services_affected.order_by("name"))
    impact = [
        f"Duration: {_duration(postmortem.impact_duration)} "
        f"({_when(postmortem.impact_started_at)} to {_when(postmortem.impact_ended_at)})",
        f"Users affected: {_count(postmortem.users_affected)}",
        f"Services affected: {services or '-'}",
        postmortem.impact_description,
    ]
    detection = [
        f"How: {postmortem.get_detection_display() or '-'}",
        f"Time to detect: {_duration(postmortem.time_to_detect)}",
        postmortem.detection_notes,
    ]
    problem = postmortem.problem
    cause = [postmortem.root_cause]
    if problem is not None:
        cause.append(f"Problem: {problem.number} {problem.title}")
    timeline = [
        f"{_when(entry.at)}: {entry.text}" + (" (edited)" if entry.edited else "")
        for entry in selectors.timeline_of(postmortem)
    ]
    actions = []
    for item in selectors.action_items_of(postmortem):
        link = (
            f"problem {item.problem.number}"
            if item.problem_id
            else f"change {item.change.number}"
            if item.change_id
            else "task"
        )
        owner = item.owner.get_username() if item.owner_id else "no owner"
        due = item.due_date.isoformat() if item.due_date else "no due date"
        actions.append(
            f"{item.title} ({link}; {owner}; due {due}; {item.get_status_display().lower()})"
        )
    return [
        (
            "About",
            [
                f"Incident: {incident.number} {incident.title}",
                f"Status: {postmortem.get_status_display()}",
                f"Owner: {postmortem.owner.get_full_name() or postmortem.owner.get_username()}",
            ],
        ),
        ("Summary", [postmortem.summary]),
        ("Customer impact", impact),
        ("Timeline", timeline),
        ("Root cause", cause),
        ("Contributing factors", [postmortem.contributing_factors]),
        ("Detection", detection),
        ("What went well", [postmortem.went_well]),
        ("What went badly", [postmortem.went_badly]),
        ("Where we got lucky", [postmortem.got_lucky]),
        ("Action items", actions),
    ]


def as_markdown(postmortem) -> str:
    out = [f"# {escape(postmortem.title)}", ""]
    for heading, paragraphs in sections(postmortem):
        out += [f"## {heading}", ""]
        shown = [p for p in paragraphs if str(p or "").strip()]
        listed = heading in ("Timeline", "Action items")
        for paragraph in shown:
            out.append(f"- {escape(paragraph)}" if listed else escape(paragraph))
            if not listed:
                out.append("")
        if listed or not shown:
            out.append("" if shown else "-\n")
    return "\n".join(out).rstrip() + "\n"


def _latin1(text) -> str:
    return str(text or "").encode("latin-1", "replace").decode("latin-1")


def as_pdf(postmortem) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(postmortem.title))
    pdf.set_creator("ITSM postmortems")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin1(postmortem.title), new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in sections(postmortem):
        pdf.ln(3)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 10)
        shown = [p for p in paragraphs if str(p or "").strip()] or ["-"]
        for paragraph in shown:
            pdf.multi_cell(0, 5, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
