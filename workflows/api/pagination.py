"""The lists' pages: ``{"count", "next", "previous", "results"}`` (issue 5), with the count of
the decision list kept per reader (decisions/readable_counts.py)."""

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class KnownCountPagination(PageNumberPagination):
    """Page-number pages whose total the view may already know: ``view.known_count(queryset)``
    gives it, or ``None`` to have the page count its list as usual."""

    known_count: int | None = None

    def paginate_queryset(self, queryset, request, view=None):
        known = getattr(view, "known_count", None)
        self.known_count = known(queryset) if known else None
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        paginator = Paginator(object_list, per_page)
        if self.known_count is not None:
            paginator.count = self.known_count  # in place of its cached property's COUNT(*)
        return paginator
