"""The mediation API (``/api/v1/mediation/``), with the complaint API's conventions (API.md): list and
detail, ``POST .../actions/`` for every workflow action, 400 bad input, 403 not allowed, 404 not
visible (same as missing), 409 not in this state; parties' personal data masked outside the case.

Thin views: parse → one service or selector → serialize.
"""

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import STAFF_ROLES
from common.exceptions import NotFoundError, PermissionDeniedError
from common.pagination import StandardPagination, paginated
from mediation.api.serializers import (
    MediationCaseActionInputSerializer,
    MediationCaseApplyInputSerializer,
    MediationCaseDetailSerializer,
    MediationCaseListItemSerializer,
    MediationFromComplaintInputSerializer,
    MediationMediatorSerializer,
    MediationOrganisationDetailSerializer,
    MediationOrganisationSerializer,
    MediationReminderSerializer,
    MediationStatsSerializer,
)
from mediation.selectors.access import case_inside
from mediation.selectors.cases import case_get_for_actor, case_list_for_actor
from mediation.selectors.detail import case_detail_for_actor, case_list_item
from mediation.selectors.documents import agreement_document_html
from mediation.selectors.mediators import (
    mediator_list,
    mediators_with_availability,
    organisation_get,
    organisation_list,
)
from mediation.selectors.stats import mediation_stats
from mediation.selectors.workbench import reminders_for_user
from mediation.services.actions import mediation_case_action
from mediation.services.cases import mediation_case_apply
from mediation.services.complaint_link import mediation_case_from_complaint
from mediation.services.reminders import reminder_mark_read

CASE_FILTERS = [
    OpenApiParameter(name, str, description=description)
    for name, description in (
        ("status", "状态，可逗号分隔多个"),
        ("type", "纠纷类型，可逗号分隔多个"),
        ("source", "案件来源，可逗号分隔多个"),
        ("organisation", "调解组织编码"),
        ("mine", "true：本人承办的案件"),
        ("overdue", "true/false：调解期限已届满且未结束"),
        ("q", "案号或纠纷情况关键词"),
        ("from", "申请时间起"),
        ("to", "申请时间止"),
    )
]


def request_dict(request):
    data = request.data
    if hasattr(data, "dict"):  # a form post: plain values, lists for repeated keys
        return {key: (values if len(values) > 1 else values[0]) for key, values in data.lists()}
    return data


def _staff_only(request) -> None:
    if request.user.role not in STAFF_ROLES and not request.user.is_superuser:
        raise PermissionDeniedError(_("仅工作人员可以查看"))


class MediationOrganisationListApi(APIView):
    @extend_schema(responses={200: MediationOrganisationSerializer(many=True)})
    def get(self, request):
        _staff_only(request)
        return Response(MediationOrganisationSerializer(organisation_list(), many=True).data)


class MediationOrganisationDetailApi(APIView):
    @extend_schema(responses={200: MediationOrganisationDetailSerializer})
    def get(self, request, code):
        _staff_only(request)
        organisation = organisation_get(code=code)
        if organisation is None:
            raise NotFoundError(_("调解组织不存在"))
        organisation.mediators_shown = mediators_with_availability(mediator_list(organisation=organisation))
        return Response(MediationOrganisationDetailSerializer(organisation).data)


class MediationMediatorListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("organisation", str, description="调解组织编码"),
            OpenApiParameter("available", str, description="true：只列可接案的调解员"),
        ],
        responses={200: MediationMediatorSerializer(many=True)},
    )
    def get(self, request):
        _staff_only(request)
        code = request.query_params.get("organisation")
        organisation = organisation_get(code=code) if code else None
        if code and organisation is None:
            raise NotFoundError(_("调解组织不存在"))
        mediators = mediators_with_availability(mediator_list(organisation=organisation))
        if str(request.query_params.get("available", "")).lower() in {"true", "1"}:
            mediators = [m for m in mediators if m.available_now]
        return Response(MediationMediatorSerializer(mediators, many=True).data)


class MediationCaseListCreateApi(APIView):
    """``GET``: the cases the caller may see. ``POST``: register an application (mediators)."""

    @extend_schema(
        operation_id="v1_mediation_cases_list",
        parameters=CASE_FILTERS,
        responses={200: paginated(MediationCaseListItemSerializer, name="MediationCasePage")},
    )
    def get(self, request):
        cases = case_list_for_actor(user=request.user, filters=request.query_params)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        now = timezone.now()
        data = MediationCaseListItemSerializer([case_list_item(c, now=now) for c in page], many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=MediationCaseApplyInputSerializer, responses={201: MediationCaseDetailSerializer})
    def post(self, request):
        case = mediation_case_apply(actor=request.user, data=request_dict(request))
        case = case_get_for_actor(user=request.user, case_id=case.pk)
        return Response(
            MediationCaseDetailSerializer(case_detail_for_actor(user=request.user, case=case)).data,
            status=status.HTTP_201_CREATED,
        )


class MediationFromComplaintApi(APIView):
    """A dispatcher or the complaint's lead unit turns the complaint into a case (complaint → mediating)."""

    @extend_schema(
        request=MediationFromComplaintInputSerializer, responses={201: MediationCaseDetailSerializer}
    )
    def post(self, request):
        data = request_dict(request)
        complaint_id = data.get("complaint") if isinstance(data, dict) else None
        case = mediation_case_from_complaint(complaint_id=complaint_id, actor=request.user, data=data)
        case = case_get_for_actor(user=request.user, case_id=case.pk)
        return Response(
            MediationCaseDetailSerializer(case_detail_for_actor(user=request.user, case=case)).data,
            status=status.HTTP_201_CREATED,
        )


class MediationCaseDetailApi(APIView):
    @extend_schema(responses={200: MediationCaseDetailSerializer})
    def get(self, request, case_id):
        case = case_get_for_actor(user=request.user, case_id=case_id)
        return Response(
            MediationCaseDetailSerializer(case_detail_for_actor(user=request.user, case=case)).data
        )


class MediationCaseActionApi(APIView):
    """``{"action": name, ...params}`` → 200 with the case; 400 params, 403 role, 404 hidden, 409 state.
    A performance proof is uploaded as multipart ``proof`` with ``action=record_performance``."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=MediationCaseActionInputSerializer, responses={200: MediationCaseDetailSerializer})
    def post(self, request, case_id):
        case = case_get_for_actor(user=request.user, case_id=case_id)
        data = request_dict(request)
        params = data if isinstance(data, dict) else None
        mediation_case_action(
            case_id=case.pk,
            action=(params or {}).get("action"),
            actor=request.user,
            params=params if params is not None else data,
            files=request.FILES.dict() if request.FILES else None,
        )
        case = case_get_for_actor(user=request.user, case_id=case.pk)
        return Response(
            MediationCaseDetailSerializer(case_detail_for_actor(user=request.user, case=case)).data
        )


class MediationAgreementDocumentApi(APIView):
    """The agreement as printable HTML (masked for readers outside the case)."""

    @extend_schema(responses={(200, "text/html"): OpenApiResponse(description="调解协议书（HTML）")})
    def get(self, request, case_id):
        case = case_get_for_actor(user=request.user, case_id=case_id)
        if getattr(case, "agreement", None) is None:
            raise NotFoundError(_("本案尚无调解协议"))
        html = agreement_document_html(case=case, inside=case_inside(case=case, user=request.user))
        return HttpResponse(html, content_type="text/html; charset=utf-8")


class MediationAgreementPdfApi(APIView):
    """The stored PDF, for the case's mediators and the organisation's directors only."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="调解协议书（PDF）")})
    def get(self, request, case_id):
        case = case_get_for_actor(user=request.user, case_id=case_id)
        agreement = getattr(case, "agreement", None)
        if agreement is None or not agreement.document:
            raise NotFoundError(_("协议书PDF尚未生成"))
        if not case_inside(case=case, user=request.user):
            raise PermissionDeniedError(_("仅本案调解员可以下载协议书PDF"))
        response = FileResponse(
            agreement.document.open("rb"), as_attachment=True, filename=f"agreement-{case.pk}.pdf"
        )
        response["Content-Type"] = "application/pdf"
        return response


class MediationStatsApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="申请时间起"),
            OpenApiParameter("to", str, description="申请时间止"),
            OpenApiParameter("organisation", str, description="调解组织编码（含其指导的组织）"),
        ],
        responses={200: MediationStatsSerializer},
    )
    def get(self, request):
        _staff_only(request)
        code = request.query_params.get("organisation")
        organisation = organisation_get(code=code) if code else None
        if code and organisation is None:
            raise NotFoundError(_("调解组织不存在"))
        stats = mediation_stats(
            date_from=request.query_params.get("from"),
            date_to=request.query_params.get("to"),
            organisation=organisation,
        )
        return Response(MediationStatsSerializer(stats).data)


class MediationReminderListApi(APIView):
    @extend_schema(responses={200: MediationReminderSerializer(many=True)})
    def get(self, request):
        return Response(MediationReminderSerializer(reminders_for_user(user=request.user), many=True).data)


class MediationReminderReadApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, reminder_id):
        try:
            pk = int(reminder_id)
        except ValueError:
            pk = 0
        if not reminder_mark_read(reminder_id=pk, user=request.user):
            raise NotFoundError(_("提醒不存在"))
        return Response(status=status.HTTP_204_NO_CONTENT)
