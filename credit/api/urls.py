"""``/api/v1/credit/``. Ids are <str:> so a malformed id gets the JSON 404 from the selectors."""

from django.urls import path

from credit.api.inspections import (
    CreditDrawDetailApi,
    CreditPlanDetailApi,
    CreditPlanDrawApi,
    CreditPlanListApi,
    CreditTaskResultApi,
)
from credit.api.map import CreditMapApi
from credit.api.measures import (
    CreditListEntriesApi,
    CreditListsApi,
    CreditMeasureCatalogueApi,
    CreditMeasureQueryApi,
    CreditSubjectMeasuresApi,
)
from credit.api.records import CreditRecordActionApi, CreditRecordDetailApi, CreditRecordListApi
from credit.api.repair import CreditRepairActionApi, CreditRepairDetailApi, CreditRepairListApi
from credit.api.subjects import CreditSubjectDetailApi, CreditSubjectListApi

urlpatterns = [
    path("subjects/", CreditSubjectListApi.as_view(), name="api-credit-subjects"),
    path("subjects/<str:subject_id>/", CreditSubjectDetailApi.as_view(), name="api-credit-subject"),
    path(
        "subjects/<str:subject_id>/measures/",
        CreditSubjectMeasuresApi.as_view(),
        name="api-credit-subject-measures",
    ),
    path("records/", CreditRecordListApi.as_view(), name="api-credit-records"),
    path("records/<str:record_id>/", CreditRecordDetailApi.as_view(), name="api-credit-record"),
    path(
        "records/<str:record_id>/actions/", CreditRecordActionApi.as_view(), name="api-credit-record-actions"
    ),
    path("repairs/", CreditRepairListApi.as_view(), name="api-credit-repairs"),
    path("repairs/<str:repair_id>/", CreditRepairDetailApi.as_view(), name="api-credit-repair"),
    path(
        "repairs/<str:repair_id>/actions/", CreditRepairActionApi.as_view(), name="api-credit-repair-actions"
    ),
    path("measures/", CreditMeasureCatalogueApi.as_view(), name="api-credit-measures"),
    path("measures/query/", CreditMeasureQueryApi.as_view(), name="api-credit-measures-query"),
    path("lists/", CreditListsApi.as_view(), name="api-credit-lists"),
    path("lists/<str:list_code>/entries/", CreditListEntriesApi.as_view(), name="api-credit-list-entries"),
    path("inspections/plans/", CreditPlanListApi.as_view(), name="api-credit-plans"),
    path("inspections/plans/<str:plan_id>/", CreditPlanDetailApi.as_view(), name="api-credit-plan"),
    path("inspections/plans/<str:plan_id>/draw/", CreditPlanDrawApi.as_view(), name="api-credit-plan-draw"),
    path("inspections/draws/<str:draw_id>/", CreditDrawDetailApi.as_view(), name="api-credit-draw"),
    path(
        "inspections/tasks/<str:task_id>/result/",
        CreditTaskResultApi.as_view(),
        name="api-credit-task-result",
    ),
    path("map/", CreditMapApi.as_view(), name="api-credit-map"),
]
