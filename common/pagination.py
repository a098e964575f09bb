from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``{"count","next","previous","results"}`` with ``?page=`` and an optional ``?page_size=`` (≤ 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def paginated(item_serializer: type[serializers.Serializer], name: str | None = None):
    """The OpenAPI shape of a ``StandardPagination`` page of ``item_serializer`` items, for
    ``@extend_schema(responses=…)`` on views that paginate by hand (declaring ``many=True`` would
    document a bare array, which is not what they answer)."""
    base = item_serializer.__name__.removesuffix("Serializer")
    return inline_serializer(
        name=name or f"Paginated{base}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
