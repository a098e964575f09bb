"""Random inspections: plans (departments), the draw, the published draw, task results."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.exceptions import NotFoundError
from common.pagination import StandardPagination, paginated
from credit.api.common import credit_context, request_data
from credit.api.serializers import (
    CreditDrawInputSerializer,
    CreditInspectionDrawSerializer,
    CreditInspectionPlanSerializer,
    CreditInspectionTaskSerializer,
    CreditPlanInputSerializer,
    CreditTaskResultInputSerializer,
)
from credit.selectors.inspections import (
    inspection_draw_get,
    inspection_draw_replay,
    inspection_plan_get_for_actor,
    inspection_plan_list_for_actor,
    inspection_task_get_for_actor,
)
from credit.services.inspections import inspection_draw_run, inspection_plan_create, inspection_result_record
from grids.selectors.units import unit_get_by_code


def _draw_data(request, draw) -> dict:
    context = credit_context(request, reproduced=inspection_draw_replay(draw=draw))
    return CreditInspectionDrawSerializer(draw, context=context).data


class CreditPlanListApi(APIView):
    @extend_schema(
        operation_id="v1_credit_inspections_plans_list",
        responses={200: paginated(CreditInspectionPlanSerializer)},
    )
    def get(self, request):
        plans = inspection_plan_list_for_actor(user=request.user).prefetch_related("items", "inspectors")
        paginator = StandardPagination()
        page = paginator.paginate_queryset(plans, request, view=self)
        return paginator.get_paginated_response(CreditInspectionPlanSerializer(page, many=True).data)

    @extend_schema(request=CreditPlanInputSerializer, responses={201: CreditInspectionPlanSerializer})
    def post(self, request):
        serializer = CreditPlanInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        department = unit_get_by_code(data["department"])
        if department is None:
            raise NotFoundError(_("实施部门不存在"), errors={"department": [data["department"]]})
        plan = inspection_plan_create(
            code=data["code"],
            name=data["name"],
            department=department,
            year=data["year"],
            item_codes=data["items"],
            inspector_ids=data["inspectors"],
            actor=request.user,
            target_filter=data["target_filter"],
            grade_ratios=data["grade_ratios"],
            inspectors_per_target=data["inspectors_per_target"],
        )
        return Response(CreditInspectionPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class CreditPlanDetailApi(APIView):
    @extend_schema(responses={200: CreditInspectionPlanSerializer})
    def get(self, request, plan_id):
        return Response(
            CreditInspectionPlanSerializer(
                inspection_plan_get_for_actor(user=request.user, plan_id=plan_id)
            ).data
        )


class CreditPlanDrawApi(APIView):
    """``{"seed": int}`` (optional): draw once; the seed and inputs are recorded for replay."""

    @extend_schema(request=CreditDrawInputSerializer, responses={201: CreditInspectionDrawSerializer})
    def post(self, request, plan_id):
        plan = inspection_plan_get_for_actor(user=request.user, plan_id=plan_id)
        serializer = CreditDrawInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        draw = inspection_draw_run(plan=plan, actor=request.user, seed=serializer.validated_data["seed"])
        return Response(_draw_data(request, draw), status=status.HTTP_201_CREATED)


class CreditDrawDetailApi(APIView):
    """A draw is public ("一公开"): targets, inspectors, seed, log, and whether it replays identically."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: CreditInspectionDrawSerializer})
    def get(self, request, draw_id):
        return Response(_draw_data(request, inspection_draw_get(draw_id=draw_id)))


class CreditTaskResultApi(APIView):
    """Its inspectors, the plan's department or a credit officer record the result; it is published."""

    @extend_schema(request=CreditTaskResultInputSerializer, responses={200: CreditInspectionTaskSerializer})
    def post(self, request, task_id):
        task = inspection_task_get_for_actor(user=request.user, task_id=task_id)
        serializer = CreditTaskResultInputSerializer(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = inspection_result_record(
            task=task,
            outcome=data["outcome"],
            note=data["note"],
            inspected_on=data["inspected_on"],
            actor=request.user,
        )
        return Response(CreditInspectionTaskSerializer(task, context=credit_context(request)).data)
