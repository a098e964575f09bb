"""``POST /api/v1/routing/suggest/`` (API.md "Routing suggestions"): matters best first, with units."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from grievance.api.serializers import SuggestInputSerializer, SuggestOutputSerializer
from grievance.services.routing import routing_suggest


class RoutingSuggestApi(APIView):
    """Open to the citizen's submit form as well as to dispatchers (anonymous callers are throttled)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(request=SuggestInputSerializer, responses={200: SuggestOutputSerializer})
    def post(self, request):
        serializer = SuggestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestions = routing_suggest(**serializer.validated_data)
        return Response({"suggestions": [asdict(s) for s in suggestions]})
