"""Mounted at ``/open311/`` (config/urls.py): the partner page, and GeoReport v2 under ``v2/``.

Repeated slashes after ``v2`` are accepted (a client joining "…/v2/" and "/requests.xml"), and so is
the singular ``service/{code}`` (the classic Python client) and ``request/{id}`` (the spec's swagger).
"""

from django.urls import path, re_path

from open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    path("", views.PartnerDocsView.as_view(), name="docs"),
    path("v2/", views.discovery, {"fmt": "xml"}, name="root"),
    re_path(r"^v2/+discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/+services" + FMT, views.services, name="services"),
    re_path(r"^v2/+services?/(?P<code>[^/]+?)" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^v2/+requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^v2/+requests?/(?P<request_id>[^/]+?)" + FMT, views.service_request, name="request"),
    re_path(r"^v2/+tokens/(?P<token>[^/]+?)" + FMT, views.token, name="token"),
    re_path(r"^v2/+servicerequestupdates" + FMT, views.service_request_updates, name="updates"),
    re_path(r"^v2/", views.not_found),
]
