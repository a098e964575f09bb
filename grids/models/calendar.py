"""The working-day calendar: one row per day that differs from, or confirms, the Mon–Fri default."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A calendar day. Years are *loaded* (CalendarYear) when the State Council schedule is known."""

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=64, blank=True, help_text=_("如：国庆节、调休上班"))
    source = models.CharField(_("来源"), max_length=32, default="chinesecalendar")

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.note}".strip()


class CalendarYear(models.Model):
    """A year whose schedule is loaded. Deadlines in other years fall back to Mon–Fri and are *estimated*."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=32, default="chinesecalendar")
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("已载入年份")
        verbose_name_plural = _("已载入年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
