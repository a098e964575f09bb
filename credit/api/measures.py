"""Joint measures: the catalogue, the public lists, and "which measures apply to this subject now?"."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from credit.api.common import credit_context
from credit.api.serializers import (
    CreditListEntrySerializer,
    CreditMeasureSerializer,
    CreditSubjectRefSerializer,
)
from credit.selectors.access import credit_actor
from credit.selectors.measures import (
    credit_list_entries_public,
    credit_lists_public,
    measure_catalogue,
    measures_for_subject,
)
from credit.selectors.subjects import subject_get_by_code, subject_get_for_actor

CreditMeasuresApplied = inline_serializer(
    "CreditMeasuresApplied",
    {
        "subject": CreditSubjectRefSerializer(),
        "at": serializers.DateTimeField(),
        "lists": CreditListEntrySerializer(many=True),
        "measures": CreditMeasureSerializer(many=True),
        "applies": serializers.BooleanField(allow_null=True, help_text="measure 参数给出时：该措施是否适用"),
    },
)
CreditListSummary = inline_serializer(
    "CreditListSummary",
    many=True,
    fields={
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "kind": serializers.CharField(),
        "legal_basis": serializers.CharField(),
        "department_name": serializers.CharField(),
        "entries": serializers.IntegerField(),
    },
)
MEASURE_PARAMS = [
    OpenApiParameter("measure", str, description="只问一项措施：措施编码"),
    OpenApiParameter("department", str, description="只看本部门实施的措施：单位编码"),
]


class CreditMeasureCatalogueApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("department", str),
            OpenApiParameter("kind", str, description="reward/punishment"),
        ],
        responses={200: CreditMeasureSerializer(many=True)},
    )
    def get(self, request):
        measures = measure_catalogue(
            department_code=request.query_params.get("department"), kind=request.query_params.get("kind")
        )
        return Response(CreditMeasureSerializer(measures, many=True).data)


def _applied_response(request, subject) -> Response:
    if not credit_actor(request.user).is_agency:
        raise PermissionDeniedError(_("只有职能部门和信用管理员可以查询联合奖惩措施"))
    context = credit_context(request)
    measure_code = request.query_params.get("measure") or None
    applied = measures_for_subject(
        subject=subject,
        at=context["now"],
        department_code=request.query_params.get("department") or None,
        measure_code=measure_code,
    )
    entries = {a.entry.pk: a.entry for a in applied}
    return Response(
        {
            "subject": CreditSubjectRefSerializer(subject, context=context).data,
            "at": serializers.DateTimeField().to_representation(context["now"]),
            "lists": CreditListEntrySerializer(entries.values(), many=True, context=context).data,
            "measures": CreditMeasureSerializer([a.measure for a in applied], many=True).data,
            "applies": bool(applied) if measure_code else None,
        }
    )


class CreditMeasureQueryApi(APIView):
    """``?code=`` (USCC or ID number) → the measures that apply to that subject now. Agencies only."""

    @extend_schema(
        parameters=[
            OpenApiParameter("code", str, required=True, description="统一社会信用代码或身份证号"),
            *MEASURE_PARAMS,
        ],
        responses={200: CreditMeasuresApplied},
    )
    def get(self, request):
        code = (request.query_params.get("code") or "").strip()
        if not code:
            raise ApplicationError(_("请提供主体代码"), errors={"code": [_("必填")]})
        if not credit_actor(request.user).is_agency:
            raise PermissionDeniedError(_("只有职能部门和信用管理员可以查询联合奖惩措施"))
        subject = subject_get_by_code(code)
        if subject is None:
            raise NotFoundError(_("未找到该代码的信用主体"))
        return _applied_response(request, subject)


class CreditSubjectMeasuresApi(APIView):
    @extend_schema(parameters=MEASURE_PARAMS, responses={200: CreditMeasuresApplied})
    def get(self, request, subject_id):
        return _applied_response(request, subject_get_for_actor(user=request.user, subject_id=subject_id))


class CreditListsApi(APIView):
    """The public red and black lists with how many subjects are on each now."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: CreditListSummary})
    def get(self, request):
        return Response(
            [
                {
                    "code": lst.code,
                    "name": lst.name,
                    "kind": lst.kind,
                    "legal_basis": lst.legal_basis,
                    "department_name": lst.department_name,
                    "entries": credit_list_entries_public(credit_list=lst).count(),
                }
                for lst in credit_lists_public()
            ]
        )


class CreditListEntriesApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CreditListEntrySerializer(many=True)})
    def get(self, request, list_code):
        credit_list = credit_lists_public().filter(code=list_code).first()
        if credit_list is None:
            raise NotFoundError(_("名单不存在"))
        entries = credit_list_entries_public(credit_list=credit_list)[:1000]
        return Response(CreditListEntrySerializer(entries, many=True, context=credit_context(request)).data)
