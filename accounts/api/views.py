from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.services import user_authenticate, user_token_issue


class TokenObtainApi(APIView):
    """``POST {"username","password"}`` → ``{"token"}``.

    Wrong credentials → 400; after too many failures django-axes locks the username and address
    (403, even with the right password); the ``login`` throttle scope limits bursts (429).
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema_serializer(component_name="TokenRequest")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The DRF request goes to authentication: django-axes records failures against it.
        user = user_authenticate(request=request, **serializer.validated_data)
        return Response({"token": user_token_issue(user=user)})
