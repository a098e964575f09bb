"""Credit repair: apply, list, detail, and the review actions of credit.workflow."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import StandardPagination, paginated
from credit.api.common import credit_context, request_data
from credit.api.serializers import (
    CreditRepairActionInputSerializer,
    CreditRepairApplyInputSerializer,
    CreditRepairSerializer,
)
from credit.selectors.records import record_get_for_actor
from credit.selectors.repair import repair_allowed_actions, repair_get_for_actor, repair_list_for_actor
from credit.services.repair import repair_apply, repair_transition


def _data(request, repairs, *, many: bool):
    items = repairs if many else [repairs]
    actions = {r.pk: repair_allowed_actions(user=request.user, repair=r) for r in items}
    return CreditRepairSerializer(
        repairs, many=many, context=credit_context(request, allowed_actions=actions)
    ).data


class CreditRepairListApi(APIView):
    """``GET``: applications the caller may see. ``POST``: apply (the subject, its department, officers)."""

    @extend_schema(
        operation_id="v1_credit_repairs_list",
        parameters=[
            OpenApiParameter("status", str, description="submitted/reviewing/approved/rejected/cancelled")
        ],
        responses={200: paginated(CreditRepairSerializer)},
    )
    def get(self, request):
        repairs = repair_list_for_actor(user=request.user, status=request.query_params.get("status"))
        paginator = StandardPagination()
        page = paginator.paginate_queryset(repairs, request, view=self)
        return paginator.get_paginated_response(_data(request, page, many=True))

    @extend_schema(request=CreditRepairApplyInputSerializer, responses={201: CreditRepairSerializer})
    def post(self, request):
        serializer = CreditRepairApplyInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = record_get_for_actor(user=request.user, record_id=data["record"])
        repair = repair_apply(
            record=record,
            actor=request.user,
            duties_fulfilled=data["duties_fulfilled"],
            duties_evidence=data["duties_evidence"],
            commitment_text=data["commitment_text"],
            applicant_name=data["applicant_name"],
        )
        return Response(_data(request, repair, many=False), status=status.HTTP_201_CREATED)


class CreditRepairDetailApi(APIView):
    @extend_schema(responses={200: CreditRepairSerializer})
    def get(self, request, repair_id):
        return Response(
            _data(request, repair_get_for_actor(user=request.user, repair_id=repair_id), many=False)
        )


class CreditRepairActionApi(APIView):
    """``{"action": "accept"|"approve"|"reject"|"cancel", "note"}``: 400 params, 403 role, 409 state."""

    @extend_schema(request=CreditRepairActionInputSerializer, responses={200: CreditRepairSerializer})
    def post(self, request, repair_id):
        repair = repair_get_for_actor(user=request.user, repair_id=repair_id)
        serializer = CreditRepairActionInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        repair = repair_transition(
            repair=repair,
            action=serializer.validated_data["action"],
            actor=request.user,
            params={"note": serializer.validated_data["note"]},
        )
        return Response(_data(request, repair, many=False))
