"""Template tags for the working-day calendar (the admin index warning)."""

from django import template

from grids.selectors.calendar import calendar_missing_warning

register = template.Library()


@register.simple_tag
def calendar_warning() -> str:
    """The missing-year warning, or "" when this year and next year are loaded."""
    return calendar_missing_warning()
