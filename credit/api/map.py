"""The credit map data: grid cells as GeoJSON with subjects counted by grade. Agencies only."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.exceptions import PermissionDeniedError
from credit.selectors.access import credit_actor
from credit.selectors.map import credit_map_features

CreditMapCollection = inline_serializer(
    "CreditMapCollection",
    {
        "type": serializers.CharField(),
        "grades": serializers.ListField(child=serializers.CharField()),
        "features": serializers.ListField(child=serializers.DictField()),
    },
)


class CreditMapApi(APIView):
    @extend_schema(responses={200: CreditMapCollection})
    def get(self, request):
        if not credit_actor(request.user).is_agency:
            raise PermissionDeniedError(_("信用地图仅供职能部门和信用管理员使用"))
        return Response(credit_map_features())
