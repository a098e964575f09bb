"""``GET /api/v1/stats/overview/?from=&to=&street=&unit=`` (API.md "Statistics")."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from grievance.selectors.complaints import MOMENT_FORMAT_ERROR, date_or_datetime_parse
from grievance.selectors.stats import stats_overview_for_actor


class MomentField(serializers.Field):
    """A date (the whole day) or an ISO 8601 datetime."""

    default_error_messages = {"invalid": MOMENT_FORMAT_ERROR}

    def to_internal_value(self, data):
        value = date_or_datetime_parse(data)
        if value is None:
            self.fail("invalid")
        return value

    def to_representation(self, value):
        return value.isoformat()


class StatsOverviewApi(APIView):
    # Anonymous callers reach the selector, which answers 403 (not DRF's 401) as API.md's checks expect.
    permission_classes = [AllowAny]

    class FilterSerializer(serializers.Serializer):
        street = serializers.CharField(required=False, allow_blank=True, max_length=32)
        unit = serializers.CharField(required=False, allow_blank=True, max_length=32)

        def get_fields(self):
            fields = super().get_fields()
            # "from" is a Python keyword: declared here instead of as class attributes.
            fields["from"] = MomentField(required=False)
            fields["to"] = MomentField(required=False)
            return fields

    class OutputSerializer(serializers.Serializer):
        received = serializers.IntegerField()
        dispatched = serializers.IntegerField()
        in_progress = serializers.IntegerField()
        handled = serializers.IntegerField()
        closed = serializers.IntegerField()
        overdue = serializers.IntegerField()
        response_rate = serializers.FloatField(allow_null=True)
        resolution_rate = serializers.FloatField(allow_null=True)
        satisfaction_rate = serializers.FloatField(allow_null=True)
        on_time_rate = serializers.FloatField(allow_null=True)
        return_rate = serializers.FloatField(allow_null=True)
        rework_rate = serializers.FloatField(allow_null=True)

    @extend_schema(
        summary="统计概览",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.STR, description="受理时间起（日期或 ISO 8601 时间）"),
            OpenApiParameter("to", OpenApiTypes.STR, description="受理时间止（日期为当天全天）"),
            OpenApiParameter("street", OpenApiTypes.STR, description="街道区划代码"),
            OpenApiParameter("unit", OpenApiTypes.STR, description="承办单位编码"),
        ],
        responses=OutputSerializer,
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        overview = stats_overview_for_actor(
            user=request.user,
            date_from=data.get("from"),
            date_to=data.get("to"),
            street=data.get("street") or None,
            unit=data.get("unit") or None,
        )
        return Response(self.OutputSerializer(overview).data)
