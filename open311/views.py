"""Open311 GeoReport v2 endpoints (plain Django views: the spec fixes XML shapes DRF does not write).

Each view: read the parameters (query string and body), check the jurisdiction, call one selector or
service, write the document in the URL's format. Errors (``ApplicationError`` and its 403/404/429
kinds) are written as ``<errors><error><code/><description/></error></errors>`` or the JSON array.
POSTs need a valid, unrevoked ``api_key`` and count against the key's rate limit.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from common.exceptions import ApplicationError
from open311 import documents
from open311.conf import open311_setting
from open311.params import jurisdiction_check, request_answers, request_params
from open311.render import document_response
from open311.selectors.requests import (
    requests_query_clean,
    service_request_by_token,
    service_request_get,
    service_request_list,
)
from open311.selectors.services import service_definition_of, service_get, service_matters
from open311.selectors.updates import service_request_updates_list, updates_window_clean
from open311.services.keys import api_key_authenticate, api_key_throttle
from open311.services.requests import service_request_create
from open311.services.updates import partner_update_create


def error_response(fmt: str, status: int, message: str, errors: dict | None = None) -> HttpResponse:
    document = documents.errors_document(status=status, message=message, errors=errors)
    return document_response(document, fmt=fmt, root="errors", item="error", status=status)


def open311_endpoint(*methods: str):
    """Method check, parameters, jurisdiction and error writing around a view
    ``view(request, fmt, params, **url_kwargs)``."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error_response(fmt, 405, _("不支持的请求方法：%(m)s") % {"m": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            try:
                params = request_params(request)
                jurisdiction_check(params)
                if request.method == "GET" and open311_setting("READ_REQUIRES_KEY"):
                    api_key_authenticate(raw_key=params.get("api_key"))
                return view(request, fmt, params, **kwargs)
            except ApplicationError as exc:
                return error_response(fmt, exc.status, exc.message, exc.errors)

        return wrapper

    return decorate


def _authenticated_key(params: dict):
    key = api_key_authenticate(raw_key=params.get("api_key"))
    api_key_throttle(key=key)
    return key


@open311_endpoint("GET")
def discovery(request, fmt, params):
    document = documents.discovery_document(
        endpoint_url=request.build_absolute_uri(reverse("open311:root")),
        key_service_url=request.build_absolute_uri(str(open311_setting("KEY_SERVICE"))),
    )
    return document_response(document, fmt=fmt, root="discovery")


@open311_endpoint("GET")
def services(request, fmt, params):
    document = [documents.service_document(matter) for matter in service_matters()]
    return document_response(document, fmt=fmt, root="services", item="service")


@open311_endpoint("GET")
def service_definition(request, fmt, params, code):
    matter = service_get(code=code)
    document = documents.definition_document(matter, service_definition_of(matter))
    return document_response(document, fmt=fmt, root="service_definition")


@open311_endpoint("GET", "POST")
def service_requests(request, fmt, params):
    if request.method == "POST":
        key = _authenticated_key(params)
        created = service_request_create(api_key=key, fields=params, answers=request_answers(request))
        document = [documents.request_created_document(created)]
    else:
        complaints = service_request_list(query=requests_query_clean(params))
        document = [documents.request_document(complaint) for complaint in complaints]
    return document_response(document, fmt=fmt, root="service_requests", item="request")


@open311_endpoint("GET")
def service_request(request, fmt, params, request_id):
    complaint = service_request_get(service_request_id=request_id)
    document = [documents.request_document(complaint)]
    return document_response(document, fmt=fmt, root="service_requests", item="request")


@open311_endpoint("GET")
def token(request, fmt, params, token):
    complaint = service_request_by_token(token=token)
    document = [documents.token_document(complaint, token)]
    return document_response(document, fmt=fmt, root="service_requests", item="request")


@open311_endpoint("GET", "POST")
def service_request_updates(request, fmt, params):
    if request.method == "POST":
        key = _authenticated_key(params)
        document = [documents.update_created_document(partner_update_create(api_key=key, fields=params))]
    else:
        start, end, page, page_size = updates_window_clean(params)
        events = service_request_updates_list(start=start, end=end, page=page, page_size=page_size)
        document = [documents.update_document(event) for event in events]
    return document_response(document, fmt=fmt, root="service_request_updates", item="request_update")


@csrf_exempt
def not_found(request, path=""):
    fmt = "json" if request.path.endswith(".json") else "xml"
    return error_response(fmt, 404, _("没有这个 Open311 资源：%(path)s") % {"path": request.path})


class PartnerDocsView(TemplateView):
    """The partner documentation page (how to get a key, curl examples)."""

    template_name = "open311/docs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endpoint=self.request.build_absolute_uri(reverse("open311:root")),
            jurisdiction_id=open311_setting("JURISDICTION_ID"),
            rate_limit=open311_setting("RATE_LIMIT_PER_MINUTE"),
            window_days=open311_setting("WINDOW_DAYS"),
            max_items=open311_setting("MAX_ITEMS"),
        )
        return context
