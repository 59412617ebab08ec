"""API pagination: always on, capped, and as cheap on the last page as on the first."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from itsm.keyset import InvalidCursor, bounded_count, keyset_page

TRUE, FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no", ""})


def requested_page_size(request, name: str, default: int, most: int) -> int:
    """The page size asked for (at most ``most``), or ``default`` if none was asked for;
    anything but a whole number from 1 is a 400, as the schema says."""
    value = request.query_params.get(name)
    if value is None:
        return default
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise ValidationError({name: ["A whole number from 1 is required."]})
    return min(size, most)


def page_size_parameter(name: str, most: int) -> dict:
    return {
        "name": name,
        "required": False,
        "in": "query",
        "description": f"Rows per page; more than {most} gives {most}.",
        "schema": {"type": "integer", "minimum": 1},
    }


class CappedPageNumberPagination(PageNumberPagination):
    """Pagination is always on; clients may ask for up to ``max_page_size`` rows.

    For short lists inside one record (comments, history); big lists use
    :class:`KeysetPagination`.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        return requested_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def get_page_number(self, request, paginator):
        # DRF reads an empty ?page= as page 1; the schema says a page is a number.
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound("Invalid page.")
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        return [
            parameter
            if parameter["name"] != self.page_size_query_param
            else page_size_parameter(self.page_size_query_param, self.max_page_size)
            for parameter in super().get_schema_operation_parameters(view)
        ]


class KeysetPagination(BasePagination):
    """Cursor pagination on the list's stable order, with the total only on request.

    ``next`` and ``previous`` are links carrying an opaque ``cursor``: the page after a
    row is read from the index in the order of the list, so page 1,000 costs what page
    1 costs. ``?count=true`` adds ``count``, exact up to ``count_cap`` rows; past that it
    is ``count_cap`` and ``count_capped`` is true ("1,000 or more"), so a count never reads
    more than that many rows of a list (or of each branch of an employee's list).
    ``?page=N`` still works for older clients: it reads and
    skips the rows before the page, so its cost grows with N.
    """

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    count_query_param = "count"
    page_query_param = "page"
    last_page_strings = ("last",)
    count_cap = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = self.get_page_size(request)
        self.count = None
        if self.wants_count(request):
            self.count = bounded_count(queryset, self.count_cap)
        page = request.query_params.get(self.page_query_param)
        if page is not None and not request.query_params.get(self.cursor_query_param):
            return self.paginate_by_number(queryset, page)
        try:
            found = keyset_page(
                queryset, size=self.size, cursor=request.query_params.get(self.cursor_query_param)
            )
        except InvalidCursor as invalid:
            raise ValidationError({self.cursor_query_param: [str(invalid)]}) from None
        self.next_url = self.cursor_url(found.next_cursor)
        self.previous_url = self.cursor_url(found.previous_cursor)
        return found.rows

    def paginate_by_number(self, queryset, page: str) -> list:
        if page in self.last_page_strings:
            total = queryset.count()
            number = max((total - 1) // self.size + 1, 1)
        else:
            try:
                number = int(page)
            except ValueError:
                raise NotFound("Invalid page.") from None
            if number < 1:
                raise NotFound("Invalid page.")
        start = (number - 1) * self.size
        rows = list(queryset[start : start + self.size + 1])
        if number > 1 and not rows:
            raise NotFound("Invalid page.")
        url = self.request.build_absolute_uri()
        more = len(rows) > self.size
        self.next_url = (
            replace_query_param(url, self.page_query_param, number + 1) if more else None
        )
        self.previous_url = None
        if number == 2:
            self.previous_url = remove_query_param(url, self.page_query_param)
        elif number > 2:
            self.previous_url = replace_query_param(url, self.page_query_param, number - 1)
        return rows[: self.size]

    def cursor_url(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_page_size(self, request) -> int:
        return requested_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def wants_count(self, request) -> bool:
        value = request.query_params.get(self.count_query_param, "").strip().lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise ValidationError({self.count_query_param: ["Use true or false."]})

    def get_paginated_response(self, data):
        body = {"next": self.next_url, "previous": self.previous_url, "results": data}
        if self.count is not None:
            capped = self.count > self.count_cap
            body = {"count": min(self.count, self.count_cap), "count_capped": capped, **body}
        return Response(body)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": (
                        f"Matching rows, at most {self.count_cap}; present only with ?count=true."
                    ),
                },
                "count_capped": {
                    "type": "boolean",
                    "description": (
                        f"True when more than {self.count_cap} rows match (count is then "
                        f"{self.count_cap}); present only with ?count=true."
                    ),
                },
                "next": {**link, "description": "The next page (a cursor link)."},
                "previous": {**link, "description": "The previous page (a cursor link)."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        def parameter(name, description, schema):
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": schema,
            }

        return [
            parameter(
                self.cursor_query_param,
                "Opaque position from a next or previous link.",
                {"type": "string"},
            ),
            page_size_parameter(self.page_size_query_param, self.max_page_size),
            parameter(
                self.count_query_param,
                f"true: also return the number of matching rows, up to {self.count_cap}.",
                {"type": "boolean"},
            ),
            parameter(
                self.page_query_param,
                "Deprecated: page number (cost grows with the page); use the cursor links.",
                {"type": "integer"},
            ),
        ]
