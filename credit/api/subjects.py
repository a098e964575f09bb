"""Credit subjects: lookup and list, register, one subject with what the caller may see."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from common.pagination import StandardPagination, paginated
from credit.api.common import credit_context, request_data
from credit.api.serializers import (
    CreditListEntrySerializer,
    CreditRecordSerializer,
    CreditSubjectInputSerializer,
    CreditSubjectSerializer,
)
from credit.selectors.records import subject_records_for_actor
from credit.selectors.subjects import (
    subject_current_grade,
    subject_get_for_actor,
    subject_list_for_actor,
    subject_open_list_entries,
)
from credit.services.subjects import subject_create

SUBJECT_FILTERS = [
    OpenApiParameter("q", str, description="代码（统一社会信用代码/身份证号）或名称；公众查询必填"),
    OpenApiParameter("kind", str, description="legal / natural（部门）"),
    OpenApiParameter("grade", str, description="信用等级，- 为未评级（部门）"),
    OpenApiParameter("grid", str, description="网格编码（部门）"),
    OpenApiParameter("industry", str, description="行业（部门）"),
]

CreditSubjectDetail = inline_serializer(
    "CreditSubjectDetail",
    {
        "subject": CreditSubjectSerializer(),
        "records": CreditRecordSerializer(many=True),
        "lists": CreditListEntrySerializer(many=True),
        "grade_explanation": serializers.ListField(child=serializers.DictField(), allow_null=True),
    },
)


class CreditSubjectListApi(APIView):
    """``GET``: the public lookup (``q`` required) or, for agencies, every subject. ``POST``: register."""

    throttle_classes = [AnonRateThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="v1_credit_subjects_list",
        parameters=SUBJECT_FILTERS,
        responses={200: paginated(CreditSubjectSerializer)},
    )
    def get(self, request):
        subjects = subject_list_for_actor(user=request.user, filters=request.query_params)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(subjects, request, view=self)
        return paginator.get_paginated_response(
            CreditSubjectSerializer(page, many=True, context=credit_context(request)).data
        )

    @extend_schema(request=CreditSubjectInputSerializer, responses={201: CreditSubjectSerializer})
    def post(self, request):
        serializer = CreditSubjectInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subject = subject_create(
            kind=data["kind"],
            code=data["code"],
            name=data["name"],
            actor=request.user,
            legal_representative=data["legal_representative"],
            industry=data["industry"],
            address=data["address"],
            grid_code=data["grid"] or None,
            lat=data["lat"],
            lng=data["lng"],
            override_reason=data["override_reason"],
        )
        return Response(
            CreditSubjectSerializer(subject, context=credit_context(request)).data,
            status=status.HTTP_201_CREATED,
        )


class CreditSubjectDetailApi(APIView):
    """One subject: its records and list entries as the caller may see them; agencies get the grade's why."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: CreditSubjectDetail})
    def get(self, request, subject_id):
        subject = subject_get_for_actor(user=request.user, subject_id=subject_id)
        context = credit_context(request)
        agency = context["actor"].is_agency
        grade = subject_current_grade(subject=subject) if agency else None
        records = subject_records_for_actor(user=request.user, subject=subject, at=context["now"])
        return Response(
            {
                "subject": CreditSubjectSerializer(subject, context=context).data,
                "records": CreditRecordSerializer(records, many=True, context=context).data,
                "lists": CreditListEntrySerializer(
                    subject_open_list_entries(subject=subject, public_only=not agency),
                    many=True,
                    context=context,
                ).data,
                "grade_explanation": grade.explanation if grade else None,
            }
        )
