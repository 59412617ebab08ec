"""Rendering cost is bounded for every text a user can store (issue 7 §1, SECURITY.md T27).

Every view of a record renders its markdown again, so one hostile description must not
cost more than a fixed number of operations. The measure is deterministic: the Python and
C function calls the renderer makes, counted with a profile hook that stops the render as
soon as the budget is spent (a quadratic renderer fails fast instead of running minutes).
"""

import sys

import pytest

from itsm.markup import MAX_LENGTH, TABLE_CELL_BUDGET, render_markdown

# markdown-it-py spends up to about 115 calls per character on the worst inputs below
# (nested brackets); Python-Markdown spent that on a few hundred characters.
CALLS_PER_CHARACTER = 150
BUDGET = CALLS_PER_CHARACTER * MAX_LENGTH


class BudgetExceeded(Exception):
    pass


def calls_to_render(text: str, budget: int = BUDGET) -> int:
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1
            if calls > budget:
                raise BudgetExceeded(f"more than {budget} calls")

    sys.setprofile(count)
    try:
        render_markdown(text)
    finally:
        sys.setprofile(None)
    return calls


def fill(pattern: str, length: int = MAX_LENGTH) -> str:
    return (pattern * (length // len(pattern) + 1))[:length]


def table_bomb(columns: int, rows: int) -> str:
    """Wide header, then rows of one pipe each: every row is padded to full width."""
    one = "|a" * columns + "\n" + "|-" * columns + "\n" + "|\n" * rows + "\n"
    return fill(one)


HALF = MAX_LENGTH // 2
HOSTILE = {
    # Brackets: the reported case, and its relatives from CommonMark's pathological tests.
    "open brackets then a link": "[" * (MAX_LENGTH - 5) + "a](x)",
    "nested brackets": "[" * HALF + "a" + "]" * (HALF - 1),
    "link closers": fill("a]"),
    "link openers": fill("[a"),
    "bracket paren mix": fill("[ (]("),
    "unclosed link targets": fill("[a](b"),
    "unclosed angle link targets": fill("[a](<b"),
    "links and emphasis": fill("[ a_"),
    "image openers": fill("!["),
    "reference uses": "".join(f"[{i}]: u\n" for i in range(2000))[:HALF] + fill("[0] ", HALF),
    # Emphasis.
    "nested emphasis": fill("*a **a ", HALF) + fill(" a** a*", HALF),
    "emphasis closers": fill("a_ "),
    "emphasis openers": fill("_a "),
    "mismatched emphasis": fill("*a_ "),
    "emphasis multiple of three": "a**b" + fill("c* ", MAX_LENGTH - 4),
    "stars": "*" * MAX_LENGTH,
    # Quotes and lists.
    "nested quotes": fill("> "),
    "quote markers": ">" * MAX_LENGTH,
    "lazy quotes": "".join(">" * i + "a\n" for i in range(1, 200))[:MAX_LENGTH],
    "nested lists": "".join("  " * i + "* a\n" for i in range(300))[:MAX_LENGTH],
    "list markers": fill("- "),
    # Code.
    "backticks": "`" * MAX_LENGTH,
    "backtick runs": "".join("e" + "`" * i for i in range(1, 300))[:MAX_LENGTH],
    "mixed backticks": fill("`a``"),
    "fences": fill("```\n"),
    # Tables.
    "table bomb, one wide table": table_bomb(2800, 2800),
    "table bomb, many tables": table_bomb(128, 512),
    "long table": "|a|b|\n|-|-|\n" + fill("|x|y|\n", MAX_LENGTH - 12),
    "escaped pipes": "|a|\n|-|\n" + fill("\\|", MAX_LENGTH - 8),
    # Raw HTML, autolinks, entities.
    "open tags": fill("<a "),
    "html comments": fill("<!--"),
    "processing instructions": fill("<?"),
    "cdata": fill("<![CDATA["),
    "declarations": fill("<!A "),
    "angle brackets": "<" * MAX_LENGTH,
    "entities": fill("&#"),
    "backslashes": fill("\\"),
    "hard breaks": fill("a  \n"),
    "headings": fill("#"),
    "setext headings": fill("a\n=\n"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_of_the_maximum_length_renders_within_the_budget(name):
    text = HOSTILE[name]
    assert len(text) == MAX_LENGTH or name in {"nested lists", "lazy quotes", "backtick runs"}

    assert calls_to_render(text) <= BUDGET


@pytest.mark.parametrize("name", ["open brackets then a link", "image openers", "link openers"])
def test_cost_grows_linearly_with_the_text(name):
    # The same pattern at half the length costs half as much: no hidden quadratic term
    # that the budget above would only catch at larger sizes.
    pattern = HOSTILE[name]
    half, full = calls_to_render(pattern[: len(pattern) // 2]), calls_to_render(pattern)

    assert full <= 2.1 * half


def test_tables_stop_growing_at_the_cell_budget():
    html = render_markdown(table_bomb(128, 512))

    assert 0 < html.count("<td>") + html.count("<th>") <= TABLE_CELL_BUDGET


def test_an_ordinary_table_is_still_a_table():
    html = render_markdown("| Host | State |\n|---|---|\n| db1 | down |\n| db2 | up |")

    assert html.count("<tr>") == 3
    assert "<td>down</td>" in html


def test_text_over_the_limit_is_shown_escaped_without_formatting():
    text = "**bold** <script>x</script>\n\n" + "[" * MAX_LENGTH

    html = render_markdown(text)

    assert "<strong>" not in html
    assert "&lt;script&gt;" in html
    assert html.startswith("<p>**bold**")
    assert calls_to_render(text) < 100


def test_the_same_text_is_rendered_once_and_then_read_from_the_cache():
    text = HOSTILE["open brackets then a link"]
    rendering = calls_to_render(text)

    # A cache read (memory or Redis) costs a few hundred calls; rendering, millions.
    assert calls_to_render(text) < rendering / 100
    assert render_markdown(text) == render_markdown(text)
