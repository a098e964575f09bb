from django.urls import path

from grids.api.territory import GridLocateApi
from grids.api.units import UnitListApi

urlpatterns = [
    path("units/", UnitListApi.as_view(), name="api-units"),
    path("grids/locate/", GridLocateApi.as_view(), name="api-grid-locate"),
]
