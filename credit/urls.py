from django.urls import path

from credit import views

app_name = "credit"

urlpatterns = [
    path("", views.credit_lookup_view, name="lookup"),
    path("subjects/<int:subject_id>/", views.credit_subject_view, name="subject"),
    path("publicity/", views.credit_publicity_view, name="publicity"),
    path("inspections/", views.credit_inspections_view, name="inspections"),
    path("staff/", views.credit_staff_view, name="staff"),
    path("staff/penalties/new/", views.credit_penalty_create_view, name="penalty-create"),
    path("map/", views.credit_map_view, name="map"),
]
