"""Public tracking (API.md): status and timeline by tracking code, and the citizen's rating.

Anyone holding the code may read — so nothing here shows personal data or the names of people, only
unit names; unknown and malformed codes get the same 404. Both endpoints are throttled.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from grievance.api.serializers import RateInputSerializer, TrackingSerializer
from grievance.selectors.tracking import complaint_get_by_tracking_code
from grievance.services.support import complaint_rate


class TrackingApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(responses={200: TrackingSerializer})
    def get(self, request, tracking_code):
        return Response(TrackingSerializer(complaint_get_by_tracking_code(code=tracking_code)).data)


class TrackingRateApi(APIView):
    """``{"resolved","satisfaction","comment"}``: once, and only after a result exists (else 409)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(request=RateInputSerializer, responses={200: TrackingSerializer})
    def post(self, request, tracking_code):
        complaint = complaint_get_by_tracking_code(code=tracking_code)
        data = request.data if isinstance(request.data, dict) else {}
        complaint_rate(
            complaint_id=complaint.pk,
            resolved=data.get("resolved"),
            satisfaction=data.get("satisfaction"),
            comment=data.get("comment") or "",
        )
        return Response(TrackingSerializer(complaint_get_by_tracking_code(code=tracking_code)).data)
