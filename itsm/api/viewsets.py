"""API base classes: every queryset comes from a selector scoped to the caller."""

from rest_framework import viewsets

from itsm.api.schema import ApiSchema


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only endpoint whose rows come from ``selector(user=...)``.

    Subclasses set ``selector``; there is no class-level ``queryset`` to fall back on,
    so a viewset cannot forget to scope.
    """

    selector = None
    schema = ApiSchema()

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose rows come from ``selector(user=...)``; subclasses add the actions
    (mixins, ``@action`` endpoints calling services) they allow."""

    selector = None
    schema = ApiSchema()

    def get_queryset(self):
        return type(self).selector(user=self.request.user)
