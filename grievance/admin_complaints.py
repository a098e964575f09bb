"""Admin screens for complaints: read-mostly. Status changes are never made here (the workflow's
transition service is the only way), so every field of a complaint is read-only in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.validators import mask_phone
from grievance.models import Assignment, Attachment, Complaint, ComplaintEvent, ComplaintSupport, Notification


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ("unit", "role", "active", "reply", "replied_at", "created_at")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "actor_unit", "note", "public")
    readonly_fields = fields
    ordering = ("at", "id")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "created_at")
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = (
        "tracking_code",
        "title",
        "kind",
        "channel",
        "status",
        "lead_unit",
        "street",
        "received_at",
        "handle_deadline",
        "supervision_level",
        "masked_phone",
    )
    list_filter = (
        "status",
        "kind",
        "channel",
        "urgency",
        "supervision_level",
        "deadline_estimated",
        "street",
    )
    search_fields = ("tracking_code", "title")
    date_hierarchy = "received_at"
    list_select_related = ("lead_unit", "street")
    inlines = [AssignmentInline, EventInline, AttachmentInline]
    exclude = ("contact_phone",)
    readonly_fields = ("masked_phone",)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.contact_phone)


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "complaint", "action", "from_status", "to_status", "actor", "actor_unit")
    list_filter = ("action", "to_status")
    search_fields = ("complaint__tracking_code", "note")
    list_select_related = ("complaint", "actor", "actor_unit")
    date_hierarchy = "at"


@admin.register(ComplaintSupport)
class ComplaintSupportAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "created_at")
    list_select_related = ("complaint",)
    exclude = ("contact_phone",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "channel", "title", "status", "sent_at", "read_at")
    list_filter = ("channel", "status", "kind")
    search_fields = ("title", "complaint__tracking_code")
    exclude = ("address",)
    list_select_related = ("recipient",)
