from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import StandardPagination, paginated
from grievance.models.notifications import Notification
from grievance.selectors.notifications import notification_list_for_user
from grievance.services.notifications import notification_mark_read


class NotificationOutputSerializer(serializers.ModelSerializer):
    complaint = serializers.IntegerField(source="complaint_id", allow_null=True)
    tracking_code = serializers.CharField(source="complaint.tracking_code", default=None)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "complaint",
            "tracking_code",
            "created_at",
            "read_at",
            "read",
        ]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationListApi(APIView):
    """``GET /api/v1/notifications/?unread=true`` → the caller's in-app notifications, newest first."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="v1_notifications_list",
        parameters=[FilterSerializer],
        responses={200: paginated(NotificationOutputSerializer)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notifications = notification_list_for_user(user=request.user, unread=filters.validated_data["unread"])
        paginator = StandardPagination()
        page = paginator.paginate_queryset(notifications, request, view=self)
        return paginator.get_paginated_response(NotificationOutputSerializer(page, many=True).data)


class NotificationReadApi(APIView):
    """``POST /api/v1/notifications/{id}/read/`` → the notification, marked read. Another user's
    notification answers 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: NotificationOutputSerializer})
    def post(self, request, notification_id: int):
        notification = notification_mark_read(notification_id=notification_id, user=request.user)
        return Response(NotificationOutputSerializer(notification).data)
