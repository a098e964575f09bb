from django.urls import path

from grievance.api.matters import MatterListApi
from grievance.api.notifications import NotificationListApi, NotificationReadApi
from grievance.api.stats import StatsOverviewApi

urlpatterns = [
    path("matters/", MatterListApi.as_view(), name="api-matters"),
    path("stats/overview/", StatsOverviewApi.as_view(), name="api-stats-overview"),
    path("notifications/", NotificationListApi.as_view(), name="api-notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
]
