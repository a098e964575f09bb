"""Admin screens for organisation units and memberships.

Every write goes through grids.services.units, so a leader's guardian permission on their unit is
granted and revoked together with the membership, whichever screen changed it.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.exceptions import ApplicationError
from grids.models import Unit, UnitMembership, UnitRole
from grids.services.units import (
    unit_membership_add,
    unit_membership_remove,
    unit_upsert,
    unit_validation_errors,
)

__all__ = ["UnitAdmin", "UnitMembershipAdmin"]


def membership_formset_save(formset, *, owner: str) -> None:
    """Apply an inline memberships formset through the services instead of ``formset.save()``.

    ``owner`` is the side the admin page edits (``"unit"`` or ``"user"``). Sets ``new_objects``,
    ``changed_objects`` and ``deleted_objects`` as ``formset.save()`` would, for the admin history.
    """
    other = "user" if owner == "unit" else "unit"
    other_model = User if other == "user" else Unit
    owner_obj = formset.instance
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def pair(counterpart):
        return {owner: owner_obj, other: counterpart}

    for form in formset.forms:
        if not getattr(form, "cleaned_data", None):
            continue
        membership = form.instance
        old_counterpart = None
        if membership.pk and form.initial.get(other):
            old_counterpart = other_model.objects.filter(pk=form.initial[other]).first()
        if formset.can_delete and formset._should_delete_form(form):
            if membership.pk and old_counterpart is not None:
                unit_membership_remove(**pair(old_counterpart))
                formset.deleted_objects.append(membership)
            continue
        if not form.has_changed():
            continue
        counterpart = form.cleaned_data[other]
        if old_counterpart is not None and old_counterpart.pk != counterpart.pk:
            unit_membership_remove(**pair(old_counterpart))
        saved = unit_membership_add(**pair(counterpart), role=form.cleaned_data["role"])
        if membership.pk:
            formset.changed_objects.append((saved, form.changed_data))
        else:
            formset.new_objects.append(saved)


class UnitMembershipInline(admin.TabularInline):
    """Members of a unit, on the unit page."""

    model = UnitMembership
    fk_name = "unit"
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = _("单位成员")
    verbose_name_plural = _("单位成员（负责人自动获得本单位管理权限）")


class UserMembershipInline(admin.TabularInline):
    """Units of a user, on the user page (accounts.admin uses it)."""

    model = UnitMembership
    fk_name = "user"
    fields = ("unit", "role")
    autocomplete_fields = ("unit",)
    extra = 0
    verbose_name = _("所属单位")
    verbose_name_plural = _("所属单位（负责人自动获得本单位管理权限）")


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "division", "phone", "working_hours", "is_active"]

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code") or self.instance.code
        if code and cleaned.get("kind") and cleaned.get("name"):
            errors = unit_validation_errors(
                unit=self.instance if self.instance.pk else None,
                code=code,
                name=cleaned["name"],
                kind=cleaned["kind"],
                parent=cleaned.get("parent"),
                division=cleaned.get("division"),
            )
            for field, messages_ in errors.items():
                self.add_error(field if field in self.fields else None, messages_)
        return cleaned


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ("code", "tree_name", "kind", "parent", "division", "member_count", "is_active")
    list_display_links = ("code", "tree_name")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "parent__name")
    list_select_related = ("parent__parent__parent", "division")
    autocomplete_fields = ("parent",)
    ordering = ("code",)
    inlines = [UnitMembershipInline]
    list_per_page = 200

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    def get_readonly_fields(self, request, obj=None):
        # The code is the unit's identity for loaders and other systems: fixed once created.
        return ("code",) if obj is not None else ()

    @admin.display(description=_("单位名称（按层级缩进）"), ordering="name")
    def tree_name(self, unit: Unit):
        depth, node = 0, unit.parent
        while node is not None and depth < 4:
            depth, node = depth + 1, node.parent
        return format_html('<span style="padding-left:{}em">{}</span>', depth * 1.5, unit.name)

    @admin.display(description=_("成员数"), ordering="member_total")
    def member_count(self, unit: Unit) -> int:
        return unit.member_total

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        unit, _created = unit_upsert(
            code=obj.code,
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            division=data.get("division"),
            phone=data.get("phone", ""),
            working_hours=data.get("working_hours"),
            is_active=data.get("is_active", True),
        )
        obj.pk = unit.pk
        obj.created_at, obj.updated_at = unit.created_at, unit.updated_at

    def save_formset(self, request, form, formset, change):
        if formset.model is UnitMembership:
            membership_formset_save(formset, owner="unit")
        else:
            super().save_formset(request, form, formset, change)

    def has_delete_permission(self, request, obj=None):
        # Units are referenced by complaints, rules and statistics: deactivate ("启用" off) instead.
        return False


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role", "created_at")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__display_name", "unit__code", "unit__name")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")
    actions = ["make_leader", "make_handler"]

    def get_readonly_fields(self, request, obj=None):
        # Changing who or which unit is a removal plus an addition: do it with two rows.
        return ("user", "unit") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = unit_membership_add(user=obj.user, unit=obj.unit, role=form.cleaned_data["role"])
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at

    def delete_model(self, request, obj):
        unit_membership_remove(user=obj.user, unit=obj.unit)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "unit"):
            unit_membership_remove(user=membership.user, unit=membership.unit)

    def _set_role(self, request, queryset, role: str) -> None:
        count = 0
        for membership in queryset.select_related("user", "unit"):
            try:
                unit_membership_add(user=membership.user, unit=membership.unit, role=role)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
            count += 1
        self.message_user(request, gettext("已更新 %(count)d 个成员的单位内角色。") % {"count": count})

    @admin.action(description=_("设为单位负责人（授予本单位管理权限）"))
    def make_leader(self, request, queryset):
        self._set_role(request, queryset, UnitRole.LEADER)

    @admin.action(description=_("设为经办人（收回本单位管理权限）"))
    def make_handler(self, request, queryset):
        self._set_role(request, queryset, UnitRole.HANDLER)
