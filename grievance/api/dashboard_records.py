"""The dashboard's records in the API: early warnings (list, assign, close) and monthly reports
(list, request, detail). Reading is the centre's (dispatchers, supervisors, administrators); acting is
the dispatchers' and administrators' (the services decide: 403 otherwise)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from common.exceptions import PermissionDeniedError
from grievance.api.dashboard import DashboardApi
from grievance.selectors.dashboard import dashboard_actor_unit
from grievance.selectors.dashboard_records import report_get, report_list, warning_get, warning_list
from grievance.services.reports import report_request
from grievance.services.warnings import warning_assign, warning_close


class DashboardWarningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    status = serializers.CharField()
    count = serializers.IntegerField()
    baseline = serializers.FloatField(allow_null=True)
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    assigned_unit = serializers.CharField(source="assigned_unit.code", allow_null=True, default=None)
    assigned_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


def _centre_reader(request) -> None:
    dashboard_actor_unit(user=request.user, centre_only=True)


class DashboardWarningListApi(DashboardApi):
    class QuerySerializer(serializers.Serializer):
        status = serializers.CharField(required=False, allow_blank=True, default="active")
        kind = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="预警列表",
        parameters=[QuerySerializer],
        responses=DashboardWarningSerializer(many=True),
    )
    def get(self, request):
        _centre_reader(request)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        warnings = warning_list(**query.validated_data)[:500]
        return Response(DashboardWarningSerializer(warnings, many=True).data)


class DashboardWarningAssignApi(DashboardApi):
    class DashboardWarningAssignSerializer(serializers.Serializer):
        unit = serializers.CharField(max_length=32)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    @extend_schema(
        summary="交办预警", request=DashboardWarningAssignSerializer, responses=DashboardWarningSerializer
    )
    def post(self, request, warning_id: str):
        data = self.DashboardWarningAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        warning = warning_assign(
            warning_id=warning_get(warning_id=warning_id).pk, actor=request.user, **data.validated_data
        )
        return Response(DashboardWarningSerializer(warning).data)


class DashboardWarningCloseApi(DashboardApi):
    class DashboardWarningCloseSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000)

    @extend_schema(
        summary="关闭预警", request=DashboardWarningCloseSerializer, responses=DashboardWarningSerializer
    )
    def post(self, request, warning_id: str):
        data = self.DashboardWarningCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        warning = warning_close(
            warning_id=warning_get(warning_id=warning_id).pk, actor=request.user, **data.validated_data
        )
        return Response(DashboardWarningSerializer(warning).data)


class DashboardReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    month = serializers.DateField()
    title = serializers.CharField()
    status = serializers.CharField()
    error = serializers.CharField()
    generated_at = serializers.DateTimeField(allow_null=True)
    html_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_html_url(self, report) -> str | None:
        return f"/dashboard/reports/{report.pk}/" if report.html else None

    def get_pdf_url(self, report) -> str | None:
        return f"/dashboard/reports/{report.pk}/pdf/" if report.pdf else None


class DashboardReportListApi(DashboardApi):
    class DashboardReportRequestSerializer(serializers.Serializer):
        month = serializers.CharField(max_length=10, help_text="年月，如 2026-05")

    @extend_schema(summary="月度分析报告列表", responses=DashboardReportSerializer(many=True))
    def get(self, request):
        _centre_reader(request)
        return Response(DashboardReportSerializer(report_list()[:120], many=True).data)

    @extend_schema(
        summary="生成月度分析报告（异步）",
        request=DashboardReportRequestSerializer,
        responses={202: DashboardReportSerializer},
    )
    def post(self, request):
        if not getattr(request.user, "is_authenticated", False):
            raise PermissionDeniedError(_("请先登录"))
        data = self.DashboardReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_request(month=data.validated_data["month"], actor=request.user)
        return Response(DashboardReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)


class DashboardReportDetailApi(DashboardApi):
    @extend_schema(summary="月度分析报告", responses=DashboardReportSerializer)
    def get(self, request, report_id: str):
        _centre_reader(request)
        return Response(DashboardReportSerializer(report_get(report_id=report_id)).data)
