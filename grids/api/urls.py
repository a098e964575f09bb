from django.urls import path

from grids.api.geojson import TerritoryGeoJsonApi
from grids.api.territory import GridLocateApi
from grids.api.units import UnitListApi

urlpatterns = [
    path("units/", UnitListApi.as_view(), name="api-units"),
    path("grids/locate/", GridLocateApi.as_view(), name="api-grid-locate"),
]

# Territory layers for the platform's own maps (no tiles: these layers are the map).
urlpatterns += [path("grids/geojson/", TerritoryGeoJsonApi.as_view(), name="api-grids-geojson")]
