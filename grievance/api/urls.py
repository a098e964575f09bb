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

# The command centre's dashboard (dashboard helper): overview and every chart from the rollups.
from grievance.api import dashboard as dashboard_api  # noqa: E402
from grievance.api import dashboard_records as dashboard_records_api  # noqa: E402

urlpatterns += [
    path("dashboard/overview/", dashboard_api.DashboardOverviewApi.as_view(), name="api-dashboard-overview"),
    path("dashboard/live/", dashboard_api.DashboardLiveApi.as_view(), name="api-dashboard-live"),
    path("dashboard/rankings/", dashboard_api.DashboardRankingsApi.as_view(), name="api-dashboard-rankings"),
    path("dashboard/trend/", dashboard_api.DashboardTrendApi.as_view(), name="api-dashboard-trend"),
    path("dashboard/matters/", dashboard_api.DashboardTopMattersApi.as_view(), name="api-dashboard-matters"),
    path("dashboard/mix/", dashboard_api.DashboardMixApi.as_view(), name="api-dashboard-mix"),
    path(
        "dashboard/handling-times/",
        dashboard_api.DashboardHandlingTimesApi.as_view(),
        name="api-dashboard-handling-times",
    ),
    path("dashboard/map/", dashboard_api.DashboardMapApi.as_view(), name="api-dashboard-map"),
    path(
        "dashboard/map/complaints/",
        dashboard_api.DashboardAreaComplaintsApi.as_view(),
        name="api-dashboard-area-complaints",
    ),
    path(
        "dashboard/export/<slug:table>/",
        dashboard_api.DashboardExportApi.as_view(),
        name="api-dashboard-export",
    ),
    path(
        "dashboard/warnings/",
        dashboard_records_api.DashboardWarningListApi.as_view(),
        name="api-dashboard-warnings",
    ),
    path(
        "dashboard/warnings/<str:warning_id>/assign/",
        dashboard_records_api.DashboardWarningAssignApi.as_view(),
        name="api-dashboard-warning-assign",
    ),
    path(
        "dashboard/warnings/<str:warning_id>/close/",
        dashboard_records_api.DashboardWarningCloseApi.as_view(),
        name="api-dashboard-warning-close",
    ),
    path(
        "dashboard/reports/",
        dashboard_records_api.DashboardReportListApi.as_view(),
        name="api-dashboard-reports",
    ),
    path(
        "dashboard/reports/<str:report_id>/",
        dashboard_records_api.DashboardReportDetailApi.as_view(),
        name="api-dashboard-report",
    ),
]
