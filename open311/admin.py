"""Admin screens for Open311: partner keys, service definitions, and what partners sent.

Keys are created through ``api_key_create`` (the secret is shown once, on the page right after
creating, never stored or sent again) and revoked through ``api_key_revoke`` (an action); they are
never deleted, because complaints and updates refer to them. Requests and partner updates are read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from open311.models import ApiKey, Open311Request, PartnerUpdate, ServiceAttribute, ServiceDefinition
from open311.services.definitions import attribute_spec_errors
from open311.services.keys import api_key_create, api_key_rate_limit, api_key_revoke


class ApiKeyForm(forms.ModelForm):
    rate_limit_per_minute = forms.IntegerField(
        label=_("每分钟提交上限"), min_value=1, required=False, help_text=_("留空则使用系统默认值")
    )

    class Meta:
        model = ApiKey
        fields = ("name", "contact", "rate_limit_per_minute")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ("name", "prefix", "state", "rate_limit", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "contact")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("状态"))
    def state(self, obj: ApiKey) -> str:
        return gettext("有效") if obj.is_active else gettext("已吊销")

    @admin.display(description=_("每分钟上限"))
    def rate_limit(self, obj: ApiKey) -> int:
        return api_key_rate_limit(obj)

    def save_model(self, request, obj, form, change):
        if change:  # only the contact and the rate limit are editable
            super().save_model(request, obj, form, change)
            return
        key, raw = api_key_create(
            name=form.cleaned_data["name"],
            contact=form.cleaned_data.get("contact") or "",
            rate_limit_per_minute=form.cleaned_data.get("rate_limit_per_minute"),
            created_by=request.user,
        )
        obj.pk, obj.prefix, obj.key_hash = key.pk, key.prefix, key.key_hash
        obj.created_at, obj.updated_at, obj.created_by = key.created_at, key.updated_at, key.created_by
        obj._state.adding = False
        request._open311_new_key = raw

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_open311_new_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "key": obj,
            "secret": raw,
            "title": gettext("新密钥"),
            "changelist_url": reverse("admin:open311_apikey_changelist"),
        }
        response = TemplateResponse(request, "admin/open311/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("吊销所选密钥"))
    def revoke(self, request, queryset):
        for key in queryset:
            try:
                api_key_revoke(name=key.name)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
        self.message_user(request, gettext("已吊销 %(n)d 个密钥") % {"n": queryset.count()})


class ServiceAttributeForm(forms.ModelForm):
    class Meta:
        model = ServiceAttribute
        fields = (
            "order",
            "code",
            "datatype",
            "description",
            "required",
            "variable",
            "datatype_description",
            "values",
        )

    def clean(self):
        data = super().clean()
        spec = {key: data.get(key) for key in ("code", "datatype", "description", "values")}
        spec["values"] = spec["values"] or []
        for message in attribute_spec_errors(spec):
            self.add_error(None, message)
        return data


class ServiceAttributeInline(admin.StackedInline):
    model = ServiceAttribute
    form = ServiceAttributeForm
    extra = 1


@admin.register(ServiceDefinition)
class ServiceDefinitionAdmin(admin.ModelAdmin):
    list_display = ("matter", "attribute_count", "updated_at")
    search_fields = ("matter__code", "matter__name")
    autocomplete_fields = ("matter",)
    inlines = [ServiceAttributeInline]

    @admin.display(description=_("属性数"))
    def attribute_count(self, obj: ServiceDefinition) -> int:
        return obj.attributes.count()


# Django 5 warns unless URL form fields name their default scheme.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartnerUpdateInline(admin.TabularInline):
    model = PartnerUpdate
    formfield_overrides = URL_FIELDS
    fields = ("reported_at", "status", "description", "media_url", "partner_update_id", "created_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnlyAdmin):
    list_display = ("complaint_link", "api_key", "created_at", "media_url")
    list_filter = ("api_key",)
    search_fields = ("complaint__tracking_code", "complaint__title", "api_key__name")
    list_select_related = ("complaint", "api_key")
    inlines = [PartnerUpdateInline]

    @admin.display(description=_("诉求"))
    def complaint_link(self, obj: Open311Request):
        url = reverse("admin:grievance_complaint_change", args=[obj.complaint_id])
        return format_html('<a href="{}">{}</a>', url, obj.complaint)


@admin.register(PartnerUpdate)
class PartnerUpdateAdmin(ReadOnlyAdmin):
    list_display = ("request", "status", "reported_at", "api_key", "created_at")
    list_filter = ("status", "api_key")
    search_fields = ("description", "request__complaint__tracking_code")
    list_select_related = ("request__api_key", "request__complaint", "api_key")
