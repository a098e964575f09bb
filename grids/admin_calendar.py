"""Admin screens for the working-day calendar. Every write goes through grids.services.calendar."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from grids.models import CalendarDay, CalendarYear
from grids.selectors.calendar import calendar_missing_warning
from grids.services.calendar import (
    calendar_day_set,
    calendar_days_reset_to_package,
    calendar_year_mark_loaded,
)

__all__ = ["CalendarDayAdmin", "CalendarYearAdmin"]

WEEKDAY_NAMES = ("一", "二", "三", "四", "五", "六", "日")


class CalendarYearListFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "note"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "weekday", "is_workday", "note", "source"]
    list_filter = [CalendarYearListFilter, "is_workday", "source"]
    search_fields = ["note"]
    list_per_page = 100
    actions = ["reset_to_package"]

    def get_readonly_fields(self, request, obj=None):
        # The date is the key: changing it would silently create another day.
        return ("date", "source") if obj is not None else ("source",)

    def has_delete_permission(self, request, obj=None):
        # A deleted row would quietly fall back to Mon–Fri; administrators set or reset days instead.
        return False

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return gettext("周") + WEEKDAY_NAMES[obj.date.weekday()]

    def save_model(self, request, obj, form, change):
        row = calendar_day_set(
            day=form.cleaned_data.get("date", obj.date),
            is_workday=form.cleaned_data["is_workday"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        obj.source = row.source

    @admin.action(description=_("恢复为 chinesecalendar 的安排"), permissions=["change"])
    def reset_to_package(self, request, queryset):
        try:
            count = calendar_days_reset_to_package(
                days=list(queryset.values_list("date", flat=True)), actor=request.user
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(request, gettext("已恢复 %(n)d 天") % {"n": count}, level=messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        # GET only: an action's POST redirects back here, and the warning should show once.
        warning = calendar_missing_warning() if request.method == "GET" else ""
        if warning:
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context=extra_context)


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "source"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ["year", "source", "rest_weekdays", "makeup_weekend_days", "loaded_at"]
    readonly_fields = ["loaded_at"]

    def get_readonly_fields(self, request, obj=None):
        return ("year", "loaded_at") if obj is not None else ("loaded_at",)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("工作日放假天数"))
    def rest_weekdays(self, obj: CalendarYear) -> int:
        return CalendarDay.objects.filter(
            date__year=obj.year, is_workday=False, date__week_day__in=[2, 3, 4, 5, 6]
        ).count()

    @admin.display(description=_("周末调休上班天数"))
    def makeup_weekend_days(self, obj: CalendarYear) -> int:
        return CalendarDay.objects.filter(
            date__year=obj.year, is_workday=True, date__week_day__in=[1, 7]
        ).count()

    def save_model(self, request, obj, form, change):
        row = calendar_year_mark_loaded(
            year=form.cleaned_data.get("year", obj.year), source=form.cleaned_data["source"]
        )
        obj.loaded_at = row.loaded_at

    def changelist_view(self, request, extra_context=None):
        warning = calendar_missing_warning() if request.method == "GET" else ""
        if warning:
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context=extra_context)
