"""``/api/v1/mediation/``. Ids are <str:> so a malformed id gets the JSON 404."""

from django.urls import path

from mediation.api.views import (
    MediationAgreementDocumentApi,
    MediationAgreementPdfApi,
    MediationCaseActionApi,
    MediationCaseDetailApi,
    MediationCaseListCreateApi,
    MediationFromComplaintApi,
    MediationMediatorListApi,
    MediationOrganisationDetailApi,
    MediationOrganisationListApi,
    MediationReminderListApi,
    MediationReminderReadApi,
    MediationStatsApi,
)

urlpatterns = [
    path("organisations/", MediationOrganisationListApi.as_view(), name="api-mediation-organisations"),
    path(
        "organisations/<str:code>/",
        MediationOrganisationDetailApi.as_view(),
        name="api-mediation-organisation",
    ),
    path("mediators/", MediationMediatorListApi.as_view(), name="api-mediation-mediators"),
    path("cases/", MediationCaseListCreateApi.as_view(), name="api-mediation-cases"),
    path("cases/from-complaint/", MediationFromComplaintApi.as_view(), name="api-mediation-from-complaint"),
    path("cases/<str:case_id>/", MediationCaseDetailApi.as_view(), name="api-mediation-case"),
    path("cases/<str:case_id>/actions/", MediationCaseActionApi.as_view(), name="api-mediation-case-actions"),
    path(
        "cases/<str:case_id>/agreement/document/",
        MediationAgreementDocumentApi.as_view(),
        name="api-mediation-agreement-document",
    ),
    path(
        "cases/<str:case_id>/agreement/pdf/",
        MediationAgreementPdfApi.as_view(),
        name="api-mediation-agreement-pdf",
    ),
    path("stats/", MediationStatsApi.as_view(), name="api-mediation-stats"),
    path("reminders/", MediationReminderListApi.as_view(), name="api-mediation-reminders"),
    path(
        "reminders/<str:reminder_id>/read/",
        MediationReminderReadApi.as_view(),
        name="api-mediation-reminder-read",
    ),
]
