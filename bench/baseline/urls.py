"""The platform's URLs plus the baseline endpoint (``ROOT_URLCONF`` of ``config.settings.bench``)."""

from django.urls import include, path

from bench.baseline.api import NoteCreateApi

urlpatterns = [
    path("bench/notes/", NoteCreateApi.as_view(), name="bench-notes"),
    path("", include("config.urls")),
]
