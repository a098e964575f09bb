"""Credit records: list and record, detail, and actions (publish, revoke)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from common.exceptions import NotFoundError
from common.pagination import StandardPagination, paginated
from credit.api.common import credit_context, request_data
from credit.api.serializers import (
    CreditRecordActionInputSerializer,
    CreditRecordInputSerializer,
    CreditRecordSerializer,
)
from credit.selectors.records import record_get_for_actor, record_list_for_actor
from credit.selectors.subjects import subject_get_by_code_for_actor, subject_get_for_actor
from credit.services.records import record_create, record_publish, record_revoke
from grids.selectors.units import unit_get_by_code

RECORD_FILTERS = [
    OpenApiParameter(name, str, description=description)
    for name, description in (
        ("subject", "主体 id"),
        ("kind", "类别，可逗号分隔：licence, penalty, inspection, ..."),
        ("department", "来源部门编码"),
        ("public", "true/false：当前是否公示"),
        ("overdue", "true/false：是否超过7个工作日未公示（或迟延公示）"),
        ("q", "事项名称、文书号或主体名称"),
        ("from", "决定日期起 YYYY-MM-DD"),
        ("to", "决定日期止 YYYY-MM-DD"),
    )
]


def _detail(request, record) -> dict:
    return CreditRecordSerializer(record, context=credit_context(request)).data


class CreditRecordListApi(APIView):
    """``GET``: records the caller may see (the public: what is public now). ``POST``: record a decision."""

    throttle_classes = [AnonRateThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="v1_credit_records_list",
        parameters=RECORD_FILTERS,
        responses={200: paginated(CreditRecordSerializer)},
    )
    def get(self, request):
        records = record_list_for_actor(user=request.user, filters=request.query_params)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(records, request, view=self)
        return paginator.get_paginated_response(
            CreditRecordSerializer(page, many=True, context=credit_context(request)).data
        )

    @extend_schema(request=CreditRecordInputSerializer, responses={201: CreditRecordSerializer})
    def post(self, request):
        serializer = CreditRecordInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("subject") is not None:
            subject = subject_get_for_actor(user=request.user, subject_id=data["subject"])
        else:
            subject = subject_get_by_code_for_actor(user=request.user, code=data["subject_code"])
        department = None
        if data["department"]:
            department = unit_get_by_code(data["department"])
            if department is None:
                raise NotFoundError(_("来源部门不存在"), errors={"department": [data["department"]]})
        details = {
            name: data[name]
            for name in (
                "category",
                "legal_basis",
                "facts",
                "content",
                "fine_amount",
                "confiscated_amount",
                "certificate_name",
                "certificate_number",
                "valid_from",
                "valid_until",
            )
        }
        record = record_create(
            subject=subject,
            kind=data["kind"],
            actor=request.user,
            department=department,
            title=data["title"],
            decision_date=data["decision_date"],
            decision_number=data["decision_number"],
            severity=data["severity"],
            details=details,
            internal_note=data["internal_note"],
            publish=data["publish"],
        )
        return Response(_detail(request, record), status=status.HTTP_201_CREATED)


class CreditRecordDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CreditRecordSerializer})
    def get(self, request, record_id):
        return Response(_detail(request, record_get_for_actor(user=request.user, record_id=record_id)))


class CreditRecordActionApi(APIView):
    """``{"action": "publish"}`` or ``{"action": "revoke", "revoked_on", "reason"}``: 400/403/404/409."""

    @extend_schema(request=CreditRecordActionInputSerializer, responses={200: CreditRecordSerializer})
    def post(self, request, record_id):
        record = record_get_for_actor(user=request.user, record_id=record_id)
        serializer = CreditRecordActionInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["action"] == "publish":
            record = record_publish(record=record, actor=request.user)
        else:
            record = record_revoke(
                record=record, revoked_on=data["revoked_on"], reason=data["reason"], actor=request.user
            )
        return Response(_detail(request, record_get_for_actor(user=request.user, record_id=record.pk)))
