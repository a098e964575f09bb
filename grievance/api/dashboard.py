"""The dashboard API (``/api/v1/dashboard/...``): the overview and every chart, table and record
behind the command centre's big screen. Thin views: parse → one selector/service → serialise.

Filters everywhere: ``from`` / ``to`` (dates, whole days; default: the current month to today),
``street`` (division code), ``unit`` (unit code). Access: dispatchers, supervisors and administrators;
unit leaders their own unit's overview, trend, mixes, matters and handling times; others 403.
"""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from grievance.selectors.dashboard import (
    dashboard_actor_unit,
    dashboard_scope,
    live_for_scope,
    overview_for_scope,
)
from grievance.selectors.dashboard_charts import (
    MAP_LEVELS,
    PERIODS,
    RANKING_ORDERS,
    dashboard_area_complaints,
    dashboard_handling_times,
    dashboard_map,
    dashboard_mix,
    dashboard_rankings,
    dashboard_top_matters,
    dashboard_trend,
)
from grievance.selectors.dashboard_tables import CENTRE_TABLES, TABLES, dashboard_table
from grievance.services.reports import xlsx_build

FILTERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="受理日期起（含）；默认本月1日"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="受理日期止（含）；默认今天"),
    OpenApiParameter("street", OpenApiTypes.STR, description="街道区划代码"),
    OpenApiParameter("unit", OpenApiTypes.STR, description="承办单位编码"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DashboardFilterSerializer(serializers.Serializer):
    street = serializers.CharField(required=False, allow_blank=True, max_length=32)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=32)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)  # "from" is a Python keyword
        fields["to"] = serializers.DateField(required=False)
        return fields


def scope_from_request(request, *, centre_only: bool = False):
    """Parse the filters (400), check access (403) and build the scope."""
    filters = DashboardFilterSerializer(data=request.query_params)
    filters.is_valid(raise_exception=True)
    data = filters.validated_data
    unit = dashboard_actor_unit(user=request.user, unit=data.get("unit") or None, centre_only=centre_only)
    today = timezone.localdate()
    return dashboard_scope(
        date_from=data.get("from") or today.replace(day=1),
        date_to=data.get("to") or today,
        street=data.get("street") or None,
        unit=unit,
    )


class DashboardOverviewSerializer(serializers.Serializer):
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
    score = serializers.FloatField(allow_null=True, help_text="加权综合得分（0–100）")


class DashboardApi(APIView):
    # Anonymous callers reach the selectors, which answer 403 (not DRF's 401), like the stats API.
    permission_classes = [AllowAny]


class DashboardOverviewApi(DashboardApi):
    @extend_schema(summary="驾驶舱概览（汇总表）", parameters=FILTERS, responses=DashboardOverviewSerializer)
    def get(self, request):
        return Response(DashboardOverviewSerializer(overview_for_scope(scope_from_request(request))).data)


class DashboardLiveSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    today = DashboardOverviewSerializer()
    period = DashboardOverviewSerializer()


class DashboardLiveApi(DashboardApi):
    @extend_schema(summary="实时概况：今日与所选时段", parameters=FILTERS, responses=DashboardLiveSerializer)
    def get(self, request):
        return Response(DashboardLiveSerializer(live_for_scope(scope_from_request(request))).data)


class DashboardRankingRowSerializer(DashboardOverviewSerializer):
    rank = serializers.IntegerField(allow_null=True, help_text="件数过少或指标为空时不排名")
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class DashboardRankingsApi(DashboardApi):
    class QuerySerializer(serializers.Serializer):
        by = serializers.ChoiceField(choices=("street", "unit"), default="street")
        order = serializers.ChoiceField(choices=RANKING_ORDERS, default="score")

    @extend_schema(
        summary="街道/单位排名",
        parameters=[*FILTERS, QuerySerializer],
        responses=DashboardRankingRowSerializer(many=True),
    )
    def get(self, request):
        scope = scope_from_request(request, centre_only=True)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = dashboard_rankings(scope=scope, **query.validated_data)
        return Response(DashboardRankingRowSerializer(rows, many=True).data)


class DashboardTrendPointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="日/周（周一）/月（1日）的起始日")
    received = serializers.IntegerField()
    dispatched = serializers.IntegerField()
    closed = serializers.IntegerField()
    finished = serializers.IntegerField()
    overdue = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    resolution_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)


class DashboardTrendApi(DashboardApi):
    class QuerySerializer(serializers.Serializer):
        period = serializers.ChoiceField(choices=PERIODS, default="day")

    @extend_schema(
        summary="趋势（日/周/月）",
        parameters=[*FILTERS, QuerySerializer],
        responses=DashboardTrendPointSerializer(many=True),
    )
    def get(self, request):
        scope = scope_from_request(request)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = dashboard_trend(scope=scope, period=query.validated_data["period"])
        return Response(DashboardTrendPointSerializer(rows, many=True).data)


class DashboardMatterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    closed = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)


class DashboardTopMattersApi(DashboardApi):
    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(min_value=1, max_value=50, default=10)

    @extend_schema(
        summary="事项大类 Top N",
        parameters=[*FILTERS, QuerySerializer],
        responses=DashboardMatterSerializer(many=True),
    )
    def get(self, request):
        scope = scope_from_request(request)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = dashboard_top_matters(scope=scope, limit=query.validated_data["limit"])
        return Response(DashboardMatterSerializer(rows, many=True).data)


class DashboardMixRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    received = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class DashboardMixApi(DashboardApi):
    class QuerySerializer(serializers.Serializer):
        by = serializers.ChoiceField(choices=("channel", "kind"), default="channel")

    @extend_schema(
        summary="渠道/诉求类型构成",
        parameters=[*FILTERS, QuerySerializer],
        responses=DashboardMixRowSerializer(many=True),
    )
    def get(self, request):
        scope = scope_from_request(request)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = dashboard_mix(scope=scope, by=query.validated_data["by"])
        return Response(DashboardMixRowSerializer(rows, many=True).data)


class DashboardHandlingBucketSerializer(serializers.Serializer):
    label = serializers.CharField()
    upper_hours = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class DashboardHandlingTimesSerializer(serializers.Serializer):
    finished = serializers.IntegerField()
    average_hours = serializers.FloatField(allow_null=True)
    buckets = DashboardHandlingBucketSerializer(many=True)


class DashboardHandlingTimesApi(DashboardApi):
    @extend_schema(summary="办理时长分布", parameters=FILTERS, responses=DashboardHandlingTimesSerializer)
    def get(self, request):
        return Response(
            DashboardHandlingTimesSerializer(dashboard_handling_times(scope=scope_from_request(request))).data
        )


class DashboardMapAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    received = serializers.IntegerField()
    density = serializers.FloatField(allow_null=True, help_text="件/平方公里")
    overdue = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)


class DashboardMapApi(DashboardApi):
    class QuerySerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=MAP_LEVELS, default="street")
        parent = serializers.CharField(required=False, allow_blank=True, max_length=15, default="")

    @extend_schema(
        summary="地图数据：街道/社区/网格的密度、超期、满意率",
        parameters=[*FILTERS, QuerySerializer],
        responses=DashboardMapAreaSerializer(many=True),
    )
    def get(self, request):
        scope = scope_from_request(request, centre_only=True)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # The selector's rows are already plain values in the documented shape; running hundreds of
        # grid cells through the serializer field by field cost as much as the figures themselves.
        return Response(dashboard_map(scope=scope, **query.validated_data))


class DashboardAreaComplaintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    lead_unit = serializers.CharField()
    overdue = serializers.BooleanField()


class DashboardAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    complaints = DashboardAreaComplaintSerializer(many=True)


class DashboardAreaComplaintsApi(DashboardApi):
    class QuerySerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=MAP_LEVELS, default="grid")
        code = serializers.CharField(max_length=15)
        limit = serializers.IntegerField(min_value=1, max_value=200, default=50)

    @extend_schema(
        summary="地图下钻：某区域的诉求",
        parameters=[*FILTERS, QuerySerializer],
        responses=DashboardAreaSerializer,
    )
    def get(self, request):
        scope = scope_from_request(request, centre_only=True)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(
            DashboardAreaSerializer(dashboard_area_complaints(scope=scope, **query.validated_data)).data
        )


class DashboardExportApi(DashboardApi):
    @extend_schema(
        summary="导出驾驶舱表格（Excel）",
        parameters=[
            *FILTERS,
            OpenApiParameter("table", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(TABLES)),
        ],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="xlsx 文件")},
    )
    def get(self, request, table: str):
        scope = scope_from_request(request, centre_only=table in CENTRE_TABLES)
        title, headers, rows = dashboard_table(name=table, scope=scope)
        response = HttpResponse(xlsx_build(title=title, headers=headers, rows=rows), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="dashboard-{table}.xlsx"'
        return response
