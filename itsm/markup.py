"""Markdown for descriptions and comments, rendered through an allowlist sanitizer.

Rendering must stay cheap for any text a user can store, because every view of a record
renders it again. markdown-it-py parses CommonMark in time linear in the input (its
delimiter and bracket bookkeeping never rescans); Python-Markdown, used before, rescanned
on every nested bracket, so 15,000 ``[`` took about 50 s per page view. Two bounds close
what a linear parser leaves open:

- tables: short rows are padded with empty cells, so a few hundred characters of pipes
  made a table of a million cells; one text gets at most ``TABLE_CELL_BUDGET`` cells,
  more than a text of ``MAX_LENGTH`` characters can fill with content;
- length: text longer than ``MAX_LENGTH`` (the limit every form and serializer applies)
  is shown escaped and unformatted instead of being parsed.

Rendered HTML is cached by the text's hash, so a page viewed again costs a cache read.
"""

import hashlib

import nh3
from django.core.cache import cache
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import table as table_rule

MAX_LENGTH = 20_000
TABLE_CELL_BUDGET = MAX_LENGTH // 2
# Part of the cache key: change it when the output for the same text changes.
RENDERING = "markdown-it-1"
CACHE_SECONDS = 24 * 3600

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_CELLS_LEFT = "itsm_table_cells_left"
_CELL_TOKENS = frozenset({"th_open", "td_open"})


def _bounded_table(state, start_line: int, end_line: int, silent: bool) -> bool:
    """The GFM table rule, stopped before the text's tables pass ``TABLE_CELL_BUDGET``.

    Every row has as many cells as the delimiter row has columns, so capping the rows
    caps the cells; rows past the budget are read as ordinary text.
    """
    if start_line + 1 >= end_line:
        return False
    left = state.env.get(_CELLS_LEFT, TABLE_CELL_BUDGET)
    delimiter = state.src[state.bMarks[start_line + 1] : state.eMarks[start_line + 1]]
    columns = delimiter.count("|") + 1
    rows = left // columns
    if rows < 1:
        return False
    before = len(state.tokens)
    found = table_rule(state, start_line, min(end_line, start_line + 1 + rows), silent)
    if found and not silent:
        cells = sum(1 for token in state.tokens[before:] if token.type in _CELL_TOKENS)
        state.env[_CELLS_LEFT] = left - cells
    return found


def _parser() -> MarkdownIt:
    # Images are off: <img> is not allowlisted, and the alt text reads better as text.
    parser = MarkdownIt("commonmark").enable("table").disable("image")
    parser.block.ruler.at("table", _bounded_table)
    return parser


_PARSER = _parser()


def render_markdown(text: str) -> SafeString:
    """HTML for user-written markdown; anything outside the allowlist is dropped."""
    text = text or ""
    if len(text) > MAX_LENGTH:
        # Escaped paragraphs: linear and inert, so an over-long text stored before the
        # limits existed (or by a path that forgot them) cannot slow the page down.
        return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308
    key = f"markup:{RENDERING}:{hashlib.sha256(text.encode()).hexdigest()}"
    cleaned = cache.get(key)
    if cleaned is None:
        cleaned = _sanitize(_PARSER.render(text, {}))
        cache.set(key, cleaned, CACHE_SECONDS)
    # Safe: nh3 removed every tag, attribute and URL scheme not allowlisted (the cached
    # value was produced by this function too).
    return mark_safe(cleaned)  # noqa: S308


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
