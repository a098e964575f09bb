from django.urls import path

from grievance.api.complaints import (
    ComplaintActionApi,
    ComplaintAttachmentDownloadApi,
    ComplaintAttachmentsApi,
    ComplaintDetailApi,
    ComplaintDuplicatesApi,
    ComplaintListCreateApi,
    ComplaintSimilarApi,
    ComplaintSupportApi,
)
from grievance.api.matters import MatterListApi
from grievance.api.notifications import NotificationListApi, NotificationReadApi
from grievance.api.routing import RoutingSuggestApi
from grievance.api.stats import StatsOverviewApi
from grievance.api.tracking import TrackingApi, TrackingRateApi

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

# Complaints, tracking and routing (intake helper). Ids are <str:> so a malformed id gets the JSON 404.
urlpatterns += [
    path("complaints/", ComplaintListCreateApi.as_view(), name="api-complaints"),
    path("complaints/similar/", ComplaintSimilarApi.as_view(), name="api-complaints-similar"),
    path("complaints/<str:complaint_id>/", ComplaintDetailApi.as_view(), name="api-complaint"),
    path(
        "complaints/<str:complaint_id>/actions/", ComplaintActionApi.as_view(), name="api-complaint-actions"
    ),
    path(
        "complaints/<str:complaint_id>/attachments/",
        ComplaintAttachmentsApi.as_view(),
        name="api-complaint-attachments",
    ),
    path(
        "complaints/<str:complaint_id>/attachments/<str:attachment_id>/",
        ComplaintAttachmentDownloadApi.as_view(),
        name="api-complaint-attachment",
    ),
    path(
        "complaints/<str:complaint_id>/duplicates/",
        ComplaintDuplicatesApi.as_view(),
        name="api-complaint-duplicates",
    ),
    path(
        "complaints/<str:complaint_id>/support/", ComplaintSupportApi.as_view(), name="api-complaint-support"
    ),
    path("track/<str:tracking_code>/", TrackingApi.as_view(), name="api-track"),
    path("track/<str:tracking_code>/rate/", TrackingRateApi.as_view(), name="api-track-rate"),
    path("routing/suggest/", RoutingSuggestApi.as_view(), name="api-routing-suggest"),
]
