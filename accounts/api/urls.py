from django.urls import path

from accounts.api.views import TokenObtainApi

urlpatterns = [
    path("token/", TokenObtainApi.as_view(), name="api-token"),
]
