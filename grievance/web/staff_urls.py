"""The staff workbenches, mounted at ``/work/`` (app ``staff``)."""

from django.urls import path

from grievance.web.staff import common, detail, dispatcher, grid, handler, operator

app_name = "staff"

urlpatterns = [
    path("", common.staff_home, name="home"),
    path("operator/", operator.intake, name="operator"),
    path("operator/submitted/<int:complaint_id>/", operator.submitted, name="operator-submitted"),
    path("operator/history/", operator.history, name="operator-history"),
    path("operator/knowledge/", operator.knowledge, name="operator-knowledge"),
    path("operator/suggest/", operator.suggest, name="operator-suggest"),
    path("operator/matters/", operator.matters, name="operator-matters"),
    path("dispatch/", dispatcher.console, name="dispatch"),
    path("inbox/", handler.inbox, name="inbox"),
    path("grid/", grid.grid_home, name="grid"),
    path("grid/report/", grid.grid_report, name="grid-report"),
    path("complaints/", common.complaint_list, name="complaints"),
    path("complaints/<int:complaint_id>/", detail.complaint_detail, name="complaint"),
    path("complaints/<int:complaint_id>/act/", detail.complaint_act, name="complaint-act"),
    path("complaints/<int:complaint_id>/upload/", detail.complaint_upload, name="complaint-upload"),
    path("complaints/<int:complaint_id>/visit/", detail.return_visit_script, name="complaint-visit"),
    path("complaints/<int:complaint_id>/hints/", dispatcher.hints, name="complaint-hints"),
    path("notifications/", common.notification_list, name="notifications"),
    path("notifications/bell/", common.notifications_bell, name="notifications-bell"),
    path("notifications/<int:notification_id>/read/", common.notification_read, name="notification-read"),
]
