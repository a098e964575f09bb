"""The command centre's dashboard, mounted at ``/dashboard/`` (app ``dashboard``)."""

from django.urls import path

from grievance.web import dashboard_views as views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("panels/live/", views.panel_live, name="live"),
    path("panels/charts/", views.panel_charts, name="charts"),
    path("panels/rankings/", views.panel_rankings, name="rankings"),
    path("panels/map/", views.panel_map, name="map"),
    path("panels/area/", views.panel_area, name="area"),
    path("export/<slug:table>.xlsx", views.export_table, name="export"),
    path("warnings/", views.warnings_page, name="warnings"),
    path("warnings/<int:warning_id>/assign/", views.warning_assign_view, name="warning-assign"),
    path("warnings/<int:warning_id>/close/", views.warning_close_view, name="warning-close"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/<int:report_id>/", views.report_page, name="report"),
    path("reports/<int:report_id>/pdf/", views.report_pdf, name="report-pdf"),
]
