"""Services are the active leaf matters of the responsibility list; definitions are their extra questions."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from common.exceptions import NotFoundError
from grievance.models import Matter
from open311.models import ServiceAttribute, ServiceDefinition


def service_matters() -> QuerySet[Matter]:
    """Active leaves whose middle and top classes are active too, with ``has_definition``."""
    return (
        Matter.objects.filter(level=3, is_active=True, parent__is_active=True, parent__parent__is_active=True)
        .select_related("parent__parent")
        .annotate(has_definition=Exists(ServiceDefinition.objects.filter(matter=OuterRef("pk"))))
        .order_by("code")
    )


def service_get(*, code: str) -> Matter:
    """The service ``code`` with its definition prefetched (``open311_definitions``, 0 or 1 item)."""
    attributes = ServiceAttribute.objects.order_by("order", "code")
    definitions = ServiceDefinition.objects.prefetch_related(Prefetch("attributes", queryset=attributes))
    matter = (
        service_matters()
        .prefetch_related(Prefetch("open311_definition", queryset=definitions))
        .filter(code=code)
        .first()
    )
    if matter is None:
        raise NotFoundError(_("service_code 不存在：%(code)s") % {"code": code})
    return matter


def service_definition_of(matter: Matter) -> ServiceDefinition | None:
    try:
        return matter.open311_definition
    except ServiceDefinition.DoesNotExist:
        return None
