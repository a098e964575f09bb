from django.urls import path

from grievance.api.matters import MatterListApi

urlpatterns = [
    path("matters/", MatterListApi.as_view(), name="api-matters"),
]
