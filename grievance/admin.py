"""Admin screens for the responsibility list (职责清单).

Every write goes through ``grievance.services.matters`` / ``matters_io``: nodes through
``matter_upsert``, rules only as new versions through ``matter_rule_set`` (versions are read-only
history), imports as upload → dry-run report → confirm. Matters are deactivated, never deleted here:
rules and complaints refer to them.
"""

import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from grids.models import Unit
from grievance.models import ComplaintKind, HandlerRule, Matter, MatterRule, TimeUnit, UrgencyGrade
from grievance.selectors.matters import matter_path, matter_rule_latest
from grievance.services.matters import matter_node_errors, matter_rule_set, matter_upsert
from grievance.services.matters_io import matters_export, matters_import
from grievance.services.matters_table import MAX_BYTES, limit_text, parse_kind_limits, value_label

IMPORT_CACHE_SECONDS = 30 * 60
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export_response(data: bytes, format: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="matters-{stamp}.{format}"'
    return response


class TopClassFilter(admin.SimpleListFilter):
    title = _("大类")
    parameter_name = "top"

    def lookups(self, request, model_admin):
        return [(m.code, m.name) for m in Matter.objects.filter(level=1).order_by("code")]

    def queryset(self, request, queryset):
        top = self.value()
        if not top:
            return queryset
        return queryset.filter(Q(code=top) | Q(parent__code=top) | Q(parent__parent__code=top))


class MatterForm(forms.ModelForm):
    class Meta:
        model = Matter
        fields = ["code", "name", "parent", "keywords", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            self.fields["parent"].queryset = Matter.objects.filter(level__lt=3).order_by("code")

    def clean(self):
        data = super().clean()
        code = data.get("code") or self.instance.code
        if code and data.get("name"):
            for field, errors in matter_node_errors(
                code=code, name=data["name"], parent=data.get("parent")
            ).items():
                self.add_error(field, errors)
        return data


class MatterRuleInline(admin.TabularInline):
    """The versions of a leaf's rule: history, never edited (a change is a new version)."""

    model = MatterRule
    extra = 0
    can_delete = False
    ordering = ["-version"]
    fields = [
        "version",
        "effective_from",
        "handler_rule",
        "handling_unit",
        "urgency_grade",
        "limits",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("时限"))
    def limits(self, rule: MatterRule) -> str:
        kinds = "；".join(
            f"{value_label(k, True)}={limit_text(a, u, True)}"
            for k, (a, u) in (rule.kind_limits or {}).items()
        )
        sign = limit_text(rule.sign_limit_amount, rule.sign_limit_unit, True)
        handle = limit_text(rule.handle_limit_amount, rule.handle_limit_unit, True)
        text = f"{gettext('签收')} {sign}，{gettext('办理')} {handle}"
        return f"{text}（{kinds}）" if kinds else text

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("handling_unit")


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    form = MatterForm
    change_list_template = "admin/grievance/matter/change_list.html"
    list_display = ["code", "tree_name", "level", "path_text", "rule_summary", "is_active"]
    list_display_links = ["code", "tree_name"]
    list_filter = ["level", TopClassFilter, "is_active"]
    search_fields = ["code", "name", "keywords", "parent__name", "parent__parent__name"]
    list_per_page = 100
    ordering = ["code"]
    inlines = [MatterRuleInline]
    actions = ["export_selected_xlsx", "export_selected_csv"]

    def get_queryset(self, request):
        latest = MatterRule.objects.select_related("handling_unit").order_by("-version")
        return (
            super()
            .get_queryset(request)
            .select_related("parent__parent")
            .prefetch_related(Prefetch("rules", queryset=latest, to_attr="admin_rules"))
        )

    def get_readonly_fields(self, request, obj=None):
        return ["code", "new_rule_link"] if obj else []

    def get_fields(self, request, obj=None):
        fields = ["code", "name", "parent", "keywords", "is_active"]
        return [*fields, "new_rule_link"] if obj else fields

    def has_delete_permission(self, request, obj=None):
        return False

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.level == 3 else []

    @admin.display(description=_("名称"), ordering="name")
    def tree_name(self, matter: Matter) -> str:
        return "　" * (matter.level - 1) + matter.name

    @admin.display(description=_("路径"))
    def path_text(self, matter: Matter) -> str:
        return " / ".join(matter_path(matter))

    @admin.display(description=_("现行规则"))
    def rule_summary(self, matter: Matter) -> str:
        rules = getattr(matter, "admin_rules", None) or []
        if not rules:
            return "—" if matter.level == 3 else ""
        rule = rules[0]
        who = rule.handling_unit.name if rule.handling_unit else rule.get_handler_rule_display()
        return f"v{rule.version} {who}"

    @admin.display(description=_("规则"))
    def new_rule_link(self, matter: Matter) -> str:
        if matter.level != 3:
            return gettext("只有小类事项有规则")
        url = reverse("admin:grievance_matter_rule", args=[matter.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("新建规则版本"))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = matter_upsert(
            code=obj.code if change else data["code"],
            name=data["name"],
            parent=data.get("parent"),
            keywords=data.get("keywords", ""),
            is_active=data.get("is_active", True),
        )
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    @admin.action(description=_("导出所选事项（XLSX）"))
    def export_selected_xlsx(self, request, queryset):
        return _export_response(matters_export(format="xlsx", matters=list(queryset)), "xlsx")

    @admin.action(description=_("导出所选事项（CSV）"))
    def export_selected_csv(self, request, queryset):
        return _export_response(matters_export(format="csv", matters=list(queryset)), "csv")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="grievance_matter_import"),
            path("export/", view(self.export_view), name="grievance_matter_export"),
            path("<int:matter_id>/rule/", view(self.rule_view), name="grievance_matter_rule"),
            *super().get_urls(),
        ]

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def export_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        format = request.GET.get("format", "xlsx")
        format = format if format in CONTENT_TYPES else "xlsx"
        return _export_response(matters_export(format=format), format)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            return HttpResponse(status=403)
        form, report, token = MatterImportForm(), None, None
        if request.method == "POST" and request.POST.get("token"):
            staged = cache.get(f"matters-import:{request.POST['token']}")
            if not staged or staged["user"] != request.user.pk:
                messages.error(request, gettext("上传已过期，请重新上传"))
                return redirect("admin:grievance_matter_import")
            report = matters_import(file=staged["data"], format=staged["format"])
            cache.delete(f"matters-import:{request.POST['token']}")
            if report.ok:
                messages.success(request, gettext("导入完成：") + report.as_text().splitlines()[0])
                return redirect("admin:grievance_matter_changelist")
        elif request.method == "POST":
            form = MatterImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read(MAX_BYTES + 1)
                format = "xlsx" if upload.name.lower().endswith(".xlsx") else None
                report = matters_import(file=data, format=format, dry_run=True)
                if report.ok:
                    token = secrets.token_urlsafe(16)
                    staged = {"data": data, "format": format, "user": request.user.pk}
                    cache.set(f"matters-import:{token}", staged, IMPORT_CACHE_SECONDS)
        context = self._context(request, gettext("导入职责清单"), form=form, report=report, token=token)
        return TemplateResponse(request, "admin/grievance/matter/import.html", context)

    def rule_view(self, request, matter_id: int):
        matter = get_object_or_404(Matter.objects.select_related("parent__parent"), pk=matter_id)
        if not self.has_change_permission(request, matter):
            return HttpResponse(status=403)
        if matter.level != 3:
            messages.error(request, gettext("只有小类事项可以设置规则"))
            return redirect("admin:grievance_matter_change", matter.pk)
        latest = matter_rule_latest(matter=matter)
        form = MatterRuleVersionForm(request.POST or None, initial=_rule_initial(latest))
        if request.method == "POST" and form.is_valid():
            try:
                rule = matter_rule_set(matter=matter, **form.rule_fields())
            except ApplicationError as exc:
                form.add_service_errors(exc)
            else:
                if latest is not None and rule.pk == latest.pk:
                    messages.info(request, gettext("规则与最新版本相同，未新增版本"))
                else:
                    messages.success(request, gettext("已新增第 %(v)d 版规则") % {"v": rule.version})
                return redirect("admin:grievance_matter_change", matter.pk)
        title = gettext("新建规则版本：%(path)s") % {"path": " / ".join(matter_path(matter))}
        context = self._context(request, title, form=form, matter=matter, latest=latest)
        return TemplateResponse(request, "admin/grievance/matter/rule_form.html", context)


class MatterImportForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))


def _unit_choices():
    return Unit.objects.filter(is_active=True).order_by("code")


class MatterRuleVersionForm(forms.Form):
    """A new rule version; pre-filled from the latest one. Saving calls ``matter_rule_set``."""

    LIMITS = ("sign_limit", "handle_limit", "urgent_sign_limit", "urgent_handle_limit")

    effective_from = forms.DateField(label=_("生效日期"), widget=AdminDateWidget)
    kinds = forms.MultipleChoiceField(
        label=_("适用诉求类型"),
        choices=ComplaintKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示全部类型"),
    )
    handler_rule = forms.ChoiceField(label=_("承办方式"), choices=HandlerRule.choices)
    handling_unit = forms.ModelChoiceField(label=_("承办单位"), queryset=_unit_choices(), required=False)
    supervising_unit = forms.ModelChoiceField(label=_("主管部门"), queryset=_unit_choices(), required=False)
    co_units = forms.ModelMultipleChoiceField(label=_("协办单位"), queryset=_unit_choices(), required=False)
    urgency_grade = forms.ChoiceField(label=_("紧急程度"), choices=UrgencyGrade.choices)
    sign_limit_amount = forms.DecimalField(label=_("签收时限"), max_digits=7, decimal_places=2)
    sign_limit_unit = forms.ChoiceField(label=_("签收时限单位"), choices=TimeUnit.choices)
    handle_limit_amount = forms.DecimalField(label=_("办理时限"), max_digits=7, decimal_places=2)
    handle_limit_unit = forms.ChoiceField(label=_("办理时限单位"), choices=TimeUnit.choices)
    kind_limits = forms.CharField(
        label=_("按诉求类型的办理时限"),
        required=False,
        help_text=_("如：咨询=2 工作日;投诉=15 工作日（也可写 consult=2 working_day）"),
    )
    urgent_sign_limit_amount = forms.DecimalField(label=_("紧急签收时限"), max_digits=7, decimal_places=2)
    urgent_sign_limit_unit = forms.ChoiceField(label=_("紧急签收时限单位"), choices=TimeUnit.choices)
    urgent_handle_limit_amount = forms.DecimalField(label=_("紧急办理时限"), max_digits=7, decimal_places=2)
    urgent_handle_limit_unit = forms.ChoiceField(label=_("紧急办理时限单位"), choices=TimeUnit.choices)
    extension_cap_days = forms.IntegerField(label=_("延期上限（工作日）"), min_value=0)
    return_window_days = forms.IntegerField(label=_("退单时限（工作日）"), min_value=0)

    def clean_kind_limits(self):
        try:
            return parse_kind_limits(self.cleaned_data["kind_limits"] or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def rule_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in self.LIMITS:
            data[name] = (data.pop(f"{name}_amount"), data.pop(f"{name}_unit"))
        return data

    def add_service_errors(self, exc: ApplicationError) -> None:
        for field, errors in exc.errors.items():
            target = field if field in self.fields else f"{field}_amount" if field in self.LIMITS else None
            self.add_error(target, errors)
        if not exc.errors:
            self.add_error(None, exc.message)


def _rule_initial(rule: MatterRule | None) -> dict:
    initial = {
        "effective_from": timezone.localdate(),
        "handler_rule": HandlerRule.FIXED,
        "urgency_grade": UrgencyGrade.NORMAL,
        "sign_limit_amount": 1,
        "sign_limit_unit": TimeUnit.WORKING_DAY,
        "handle_limit_amount": 15,
        "handle_limit_unit": TimeUnit.WORKING_DAY,
        "urgent_sign_limit_amount": "0.5",
        "urgent_sign_limit_unit": TimeUnit.NATURAL_HOUR,
        "urgent_handle_limit_amount": 24,
        "urgent_handle_limit_unit": TimeUnit.NATURAL_HOUR,
        "extension_cap_days": 10,
        "return_window_days": 2,
    }
    if rule is None:
        return initial
    fields = [f.name for f in MatterRule._meta.fields if f.name in MatterRuleVersionForm.base_fields]
    initial.update({name: getattr(rule, name) for name in fields if name != "effective_from"})
    initial["handling_unit"] = rule.handling_unit_id
    initial["supervising_unit"] = rule.supervising_unit_id
    initial["co_units"] = [u.pk for u in rule.co_units.all()]
    initial["kind_limits"] = ";".join(
        f"{k}={limit_text(a, u, False)}" for k, (a, u) in rule.kind_limits.items()
    )
    return initial


from grievance.admin_complaints import *  # noqa: E402, F403
