"""Territory API: which grid, community, street and district a point lies in (API.md "Reference data")."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from common.exceptions import NotFoundError
from grids.selectors.territory import grid_for_point


class GridLocateApi(APIView):
    """``GET /api/v1/grids/locate/?lat=&lng=`` → the codes of the grid cell covering the point, or 404."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    class InputSerializer(serializers.Serializer):
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)

    class OutputSerializer(serializers.Serializer):
        grid = serializers.CharField()
        community = serializers.CharField()
        street = serializers.CharField(allow_null=True)
        district = serializers.CharField(allow_null=True)

        class Meta:
            ref_name = "GridLocation"  # a unique schema component name (every API has an OutputSerializer)

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer)
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        hit = grid_for_point(params.validated_data["lat"], params.validated_data["lng"])
        if hit is None:
            raise NotFoundError(_("该位置不在本区网格范围内"))
        return Response(self.OutputSerializer(hit).data)
