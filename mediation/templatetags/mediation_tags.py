"""Template helpers of the mediation pages: field errors by key, values of posted forms."""

from django import template

register = template.Library()


@register.filter
def errors_for(errors, key: str) -> list:
    """The messages for ``key`` in a service's field errors (``{"parties.0.name": [...]}``)."""
    if not errors:
        return []
    return list(errors.get(key, []))


@register.filter
def value_of(values, key: str) -> str:
    """The posted value of ``key`` (empty when there is none)."""
    if not values:
        return ""
    value = values.get(key, "")
    return "" if value is None else value


@register.simple_tag
def join_key(*parts) -> str:
    return "".join(str(p) for p in parts)
