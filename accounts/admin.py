from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# The memberships model lives in grids (grids depends on accounts, not the reverse); the admin is
# wiring, and the inline's saves go through grids.services so leader permissions stay correct.
from grids.admin_units import UserMembershipInline, membership_formset_save
from grids.models import UnitMembership


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "is_staff", "is_active", "last_login")
    list_filter = ("role", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "phone")
    ordering = ("username",)
    inlines = [UserMembershipInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("平台角色"), {"fields": ("role", "display_name", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("平台角色"), {"fields": ("role", "display_name")}),
    )

    def save_formset(self, request, form, formset, change):
        if formset.model is UnitMembership:
            membership_formset_save(formset, owner="user")
        else:
            super().save_formset(request, form, formset, change)
