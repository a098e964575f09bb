"""The citizen portal, mounted at "/" (the start page itself is the project-wide "home" route)."""

from django.urls import path

from grievance.web import portal_views as views

app_name = "portal"
urlpatterns = [
    path("submit/", views.submit, name="submit"),
    path("submit/matters/", views.matter_search, name="matter_search"),
    path("submit/suggest/", views.suggest, name="suggest"),
    path("submit/similar/", views.similar, name="similar"),
    path("support/<int:complaint_id>/", views.support, name="support"),
    path("submitted/<str:code>/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_detail, name="track_detail"),
    path("track/<str:code>/rate/", views.track_rate, name="track_rate"),
    path("my/", views.my_complaints, name="my"),
]
