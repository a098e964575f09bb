"""Admin screens. Organisations and mediators are configuration (edited here); cases and everything
recorded on them are read-only — they change only through the workflow's transition service, which
writes the events. Lists show parties' personal data masked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.validators import mask_id_number, mask_name, mask_phone
from mediation.models import (
    Agreement,
    CaseEvent,
    CaseMediator,
    MediationCase,
    MediationOrganisation,
    Mediator,
    Party,
    PerformanceRecord,
    Reminder,
    ReturnVisit,
    Session,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MediatorInline(admin.TabularInline):
    model = Mediator
    extra = 0
    fields = (
        "user",
        "kind",
        "is_director",
        "languages",
        "available",
        "unavailable_until",
        "max_caseload",
        "is_active",
    )
    autocomplete_fields = ("user",)


@admin.register(MediationOrganisation)
class MediationOrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "unit")
    inlines = [MediatorInline]


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "organisation",
        "kind",
        "is_director",
        "available",
        "unavailable_until",
        "is_active",
    )
    list_filter = ("organisation", "kind", "available", "is_active")
    search_fields = ("user__username", "user__display_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")


class PartyInline(ReadOnlyInline):
    model = Party
    fields = (
        "role",
        "kind",
        "masked_name",
        "masked_id",
        "masked_phone",
        "credit_code",
        "group_size",
        "refused_at",
    )
    readonly_fields = fields

    @admin.display(description=_("姓名/名称"))
    def masked_name(self, obj):
        return mask_name(obj.name) if obj.kind == "person" else obj.name

    @admin.display(description=_("身份证号"))
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


class CaseMediatorInline(ReadOnlyInline):
    model = CaseMediator
    fields = ("mediator", "how", "lead", "active", "recused_at", "recusal_reason")
    readonly_fields = fields


class SessionInline(ReadOnlyInline):
    model = Session
    fields = ("sequence", "starts_at", "place", "status", "held_at")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    ordering = ("at", "id")


@admin.register(MediationCase)
class MediationCaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "organisation", "dispute_type", "source", "status", "applied_at", "due_at")
    list_filter = ("status", "dispute_type", "source", "organisation")
    search_fields = ("number", "summary")
    date_hierarchy = "applied_at"
    readonly_fields = [f.name for f in MediationCase._meta.fields]
    inlines = [PartyInline, CaseMediatorInline, SessionInline, EventInline]


class PerformanceInline(ReadOnlyInline):
    model = PerformanceRecord
    fields = ("at", "status", "party", "amount", "note", "proof")
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("case", "form", "effective_at", "performance_status", "confirmation_status")
    list_filter = ("form", "performance_status", "confirmation_status")
    search_fields = ("case__number",)
    readonly_fields = [f.name for f in Agreement._meta.fields]
    inlines = [PerformanceInline]


@admin.register(ReturnVisit)
class ReturnVisitAdmin(ReadOnlyAdmin):
    list_display = ("case", "visited_at", "method", "performed", "satisfied")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "channel", "recipient", "created_at", "sent_at", "read_at")
    list_filter = ("kind", "channel")
    exclude = ("phone",)
