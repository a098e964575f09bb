"""``GET /api/v1/matters/``: the responsibility list, readable by anyone (citizens pick a category)."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from common.pagination import StandardPagination
from grievance.models import Matter, MatterRule
from grievance.selectors.matters import matter_list, matter_path, matter_rule_kinds, matter_rule_limits


def _amount(value) -> int | float:
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def _limit(amount, unit: str) -> list:
    return [_amount(amount), unit]


def _rule_fields(rule: MatterRule | None) -> dict:
    if rule is None:
        return {
            "kind_defaults": {},
            "handler_rule": None,
            "unit": None,
            "supervising_unit": None,
            "co_units": [],
            "urgency_grade": None,
            "sign_limit": None,
            "handle_limit": None,
            "urgent_sign_limit": None,
            "urgent_handle_limit": None,
            "rule_version": None,
        }
    kind_defaults = {}
    for kind in matter_rule_kinds(rule):
        limits = matter_rule_limits(rule=rule, kind=kind)
        kind_defaults[kind] = {"sign": _limit(*limits["sign"]), "handle": _limit(*limits["handle"])}
    return {
        "kind_defaults": kind_defaults,
        "handler_rule": rule.handler_rule,
        "unit": rule.handling_unit.code if rule.handling_unit else None,
        "supervising_unit": rule.supervising_unit.code if rule.supervising_unit else None,
        "co_units": sorted(u.code for u in rule.co_units.all()),
        "urgency_grade": rule.urgency_grade,
        "sign_limit": _limit(rule.sign_limit_amount, rule.sign_limit_unit),
        "handle_limit": _limit(rule.handle_limit_amount, rule.handle_limit_unit),
        "urgent_sign_limit": _limit(rule.urgent_sign_limit_amount, rule.urgent_sign_limit_unit),
        "urgent_handle_limit": _limit(rule.urgent_handle_limit_amount, rule.urgent_handle_limit_unit),
        "rule_version": rule.version,
    }


def matter_item(matter: Matter) -> dict:
    """One list item. Leaves carry the rule in force (``rules_in_force`` prefetched by the selector);
    ``kind_defaults`` are the limits a complaint of each kind gets at the matter's default urgency."""
    rules = getattr(matter, "rules_in_force", [])
    return {
        "code": matter.code,
        "name": matter.name,
        "level": matter.level,
        "path": matter_path(matter),
        "keywords": [k for k in matter.keywords.split(",") if k],
        **_rule_fields(rules[0] if rules else None),
    }


class MatterListApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=3)
        top = serializers.CharField(required=False, allow_blank=True, max_length=64)

    @extend_schema(parameters=[FilterSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        matters = matter_list(**filters.validated_data)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(matters, request, view=self)
        return paginator.get_paginated_response([matter_item(m) for m in page])
