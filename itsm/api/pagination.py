from rest_framework.pagination import PageNumberPagination


class CappedPageNumberPagination(PageNumberPagination):
    """Pagination is always on; clients may ask for up to ``max_page_size`` rows."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
