"""Mediation pages, mounted at ``/mediation/`` (app ``mediation``)."""

from django.urls import path

from mediation import views

app_name = "mediation"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/act/", views.case_act, name="case-act"),
    path("cases/<int:case_id>/agreement/", views.agreement_document, name="agreement"),
    path("cases/<int:case_id>/agreement.pdf", views.agreement_pdf, name="agreement-pdf"),
    path("from-complaint/<int:complaint_id>/", views.from_complaint, name="from-complaint"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation"),
    path("availability/", views.availability, name="availability"),
    path("reminders/<int:reminder_id>/read/", views.reminder_read, name="reminder-read"),
]
