"""Admin screens for the territory: divisions and grid cells, GeoJSON import and export.

Every write goes through grids.services.territory, so geometry is checked by the same rules as the API and
the importer, bbox fields stay in step, and the point-lookup index hears of every change. Divisions and cells
are referenced by complaints and statistics: they are deactivated, never deleted, here.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from grids.models import Division, DivisionLevel, GridCell
from grids.services.territory import (
    division_clean,
    division_upsert,
    grid_cell_clean,
    grid_cell_upsert,
    grid_cells_export_geojson,
    grid_cells_import_geojson,
)

__all__ = ["DivisionAdmin", "GridCellAdmin"]

# Inline templates keep this screen self-contained; they only extend the stock admin templates.
CHANGE_LIST_TEMPLATE = """{% extends "admin/change_list.html" %}
{% block object-tools-items %}
<li><a href="{% url 'admin:grids_gridcell_import_geojson' %}">导入 GeoJSON</a></li>
{{ block.super }}
{% endblock %}"""
IMPORT_TEMPLATE = """{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs"><a href="{% url 'admin:index' %}">首页</a>
&rsaquo; <a href="{% url 'admin:grids_gridcell_changelist' %}">{{ opts.verbose_name_plural }}</a>
&rsaquo; {{ title }}</div>{% endblock %}
{% block content %}
<p>上传 GeoJSON FeatureCollection：每个要素一个网格，properties 含 code、name、community（社区代码）、kind、
households、population，可选 exclusive_for、is_active。先校验全部要素，任何要素有误则不写入任何数据。</p>
<form method="post" enctype="multipart/form-data">{% csrf_token %}{{ form.as_p }}
<input type="submit" value="导入"></form>
{% if report_lines %}<h2>导入报告</h2><ul>{% for line in report_lines %}<li>{{ line }}</li>{% endfor %}</ul>
{% endif %}
{% endblock %}"""


def _template(source: str):
    return engines["django"].from_string(source)


def _add_errors(form: forms.ModelForm, errors: dict[str, list[str]]) -> None:
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


class DivisionAdminForm(forms.ModelForm):
    class Meta:
        model = Division
        fields = ["code", "name", "level", "parent", "code_status", "households", "population", "boundary"]

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code") or self.instance.code
        if code and cleaned.get("level") and cleaned.get("name"):
            errors = division_clean(
                code=code,
                name=cleaned["name"],
                level=cleaned["level"],
                parent=cleaned.get("parent"),
                code_status=cleaned.get("code_status") or "",
                boundary=cleaned.get("boundary"),
            )
            _add_errors(self, errors)
        return cleaned


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    form = DivisionAdminForm
    list_display = (
        "code",
        "name",
        "level",
        "parent",
        "code_status",
        "grid_total",
        "households",
        "population",
    )
    list_display_links = ("code", "name")
    list_filter = ("level", "code_status")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)
    list_per_page = 200

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(grid_count=Count("grid_cells"))

    def get_readonly_fields(self, request, obj=None):
        # The code is the identity grid codes are built from: fixed once created.
        return ("code",) if obj is not None else ()

    @admin.display(description=_("网格数"), ordering="grid_count")
    def grid_total(self, division: Division) -> int:
        return division.grid_count

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = division_upsert(
            code=obj.code,
            name=data["name"],
            level=data["level"],
            parent=data.get("parent"),
            code_status=data.get("code_status") or "verified",
            households=data.get("households") or 0,
            population=data.get("population") or 0,
            boundary=data.get("boundary"),
        )
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at

    def has_delete_permission(self, request, obj=None):
        return False


class GridCellAdminForm(forms.ModelForm):
    class Meta:
        model = GridCell
        fields = [
            "code",
            "name",
            "community",
            "kind",
            "exclusive_for",
            "households",
            "population",
            "boundary",
            "workers",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code") or self.instance.code
        if code and "boundary" in cleaned and cleaned.get("community"):
            _clean, errors = grid_cell_clean(
                code=code,
                name=cleaned.get("name"),
                community=cleaned["community"],
                boundary=cleaned["boundary"],
                kind=cleaned.get("kind"),
                households=cleaned.get("households"),
                population=cleaned.get("population"),
                exclusive_for=cleaned.get("exclusive_for"),
            )
            _add_errors(self, errors)
        return cleaned


class StreetListFilter(admin.SimpleListFilter):
    title = _("街道")
    parameter_name = "street"

    def lookups(self, request, model_admin):
        streets = Division.objects.filter(level=DivisionLevel.STREET).order_by("code")
        return [(street.code, street.name) for street in streets]

    def queryset(self, request, queryset):
        return queryset.filter(community__parent__code=self.value()) if self.value() else queryset


class GeoJSONUploadForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON 文件"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)


@admin.register(GridCell)
class GridCellAdmin(admin.ModelAdmin):
    form = GridCellAdminForm
    list_display = (
        "code",
        "name",
        "community",
        "kind",
        "households",
        "population",
        "worker_total",
        "is_active",
    )
    list_display_links = ("code", "name")
    list_filter = ("kind", "is_active", StreetListFilter, ("community", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "community__name", "exclusive_for")
    list_select_related = ("community",)
    autocomplete_fields = ("community",)
    filter_horizontal = ("workers",)
    ordering = ("code",)
    actions = ["export_geojson"]
    list_per_page = 200

    @property
    def change_list_template(self):
        return _template(CHANGE_LIST_TEMPLATE)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(worker_count=Count("workers"))

    def get_readonly_fields(self, request, obj=None):
        bbox = ("min_lng", "min_lat", "max_lng", "max_lat")
        # The code is the cell's identity for complaints and statistics: fixed once created.
        return ("code", *bbox) if obj is not None else bbox

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "workers":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(role=Role.GRID_WORKER)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("网格员数"), ordering="worker_count")
    def worker_total(self, cell: GridCell) -> int:
        return cell.worker_count

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = grid_cell_upsert(
            code=obj.code,
            name=data["name"],
            community=data["community"],
            boundary=data["boundary"],
            kind=data["kind"],
            households=data.get("households") or 0,
            population=data.get("population") or 0,
            exclusive_for=data.get("exclusive_for") or "",
            is_active=data.get("is_active", True),
        )
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("导出所选网格为 GeoJSON"))
    def export_geojson(self, request, queryset):
        data = grid_cells_export_geojson(codes=list(queryset.values_list("code", flat=True)))
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False), content_type="application/geo+json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="grid-cells.geojson"'
        return response

    def get_urls(self):
        extra = [
            path(
                "import-geojson/",
                self.admin_site.admin_view(self.import_geojson_view),
                name="grids_gridcell_import_geojson",
            )
        ]
        return extra + super().get_urls()

    def import_geojson_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            messages.error(request, gettext("没有导入网格的权限"))
            return redirect(reverse("admin:index"))
        form = GeoJSONUploadForm(request.POST or None, request.FILES or None)
        report_lines = []
        if request.method == "POST" and form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                form.add_error("file", gettext("不是合法的 JSON 文件：%(reason)s") % {"reason": exc})
            else:
                report = grid_cells_import_geojson(data=data, dry_run=form.cleaned_data["dry_run"])
                report_lines = report.lines()
                level = messages.SUCCESS if report.ok else messages.ERROR
                self.message_user(request, report_lines[-1], level)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("导入网格 GeoJSON"),
            "form": form,
            "report_lines": report_lines,
        }
        return TemplateResponse(request, _template(IMPORT_TEMPLATE), context)
