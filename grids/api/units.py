from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from common.pagination import StandardPagination, paginated
from grids.models import Unit, UnitKind
from grids.selectors.units import unit_list


class UnitListApi(APIView):
    """``GET /api/v1/units/?kind=&q=`` → paginated ``{"code","name","kind","parent"}`` (parent = code).

    Reference data: every signed-in user may read it. ``q`` matches name or code.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="UnitListFilter")
    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=UnitKind.choices, required=False)
        q = serializers.CharField(required=False, allow_blank=True, max_length=64)

    @extend_schema_serializer(component_name="Unit")
    class OutputSerializer(serializers.ModelSerializer):
        parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

        class Meta:
            model = Unit
            fields = ["code", "name", "kind", "parent"]

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: paginated(OutputSerializer, name="PaginatedUnitList")},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        units = unit_list(**filters.validated_data)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(units, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
