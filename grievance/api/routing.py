"""``POST /api/v1/routing/suggest/`` (API.md "Routing suggestions"): matters best first, with units.

Each suggestion carries ``why``: the words of the text that speak most for it (the dispatcher
console shows them next to the score).
"""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from grievance.api.serializers import SuggestInputSerializer, SuggestionSerializer
from grievance.services.routing import routing_suggest


class RoutingSuggestionSerializer(SuggestionSerializer):
    why = serializers.ListField(child=serializers.CharField(), help_text="依据：文本中最支持该事项的词语")


class RoutingSuggestOutputSerializer(serializers.Serializer):
    suggestions = RoutingSuggestionSerializer(many=True)


class RoutingSuggestApi(APIView):
    """Open to the citizen's submit form as well as to dispatchers (anonymous callers are throttled)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(request=SuggestInputSerializer, responses={200: RoutingSuggestOutputSerializer})
    def post(self, request):
        serializer = SuggestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestions = routing_suggest(**serializer.validated_data)
        return Response({"suggestions": [asdict(s) for s in suggestions]})
