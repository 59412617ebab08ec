"""Read the forms on a rendered page, so a test can submit one as a browser would."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

FIELD_TAGS = {"input", "select", "textarea"}
NOT_SENT = {"submit", "button", "reset", "image"}


@dataclass
class PageForm:
    """One ``<form>``: where it posts, and its fields by name (hidden ones with values)."""

    action: str
    method: str
    fields: dict[str, str | None] = field(default_factory=dict)

    def hidden(self) -> dict[str, str]:
        return {name: value for name, value in self.fields.items() if value is not None}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = PageForm(attrs.get("action") or "", (attrs.get("method") or "get"))
            self.forms.append(self.current)
        elif tag in FIELD_TAGS and self.current is not None and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in NOT_SENT:
                return
            value = attrs.get("value", "") if kind == "hidden" else None
            self.current.fields[attrs["name"]] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_on(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def post_form(html: str, action: str, *, page_url: str) -> PageForm | None:
    """The POST form on the page that submits to ``action`` (a form without an action
    submits to the page itself)."""
    for form in forms_on(html):
        target = form.action or page_url
        if form.method.lower() == "post" and target.split("#")[0] == action:
            return form
    return None
