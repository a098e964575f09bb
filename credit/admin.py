"""Admin screens: the ledger is read-only here (writes go through the services and their audit trail);
the catalogues (lists, joint measures, inspection items, inspectors, conflicts) are edited here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from credit.models import (
    CreditEvent,
    CreditGrade,
    CreditList,
    CreditListEntry,
    CreditRecord,
    CreditSubject,
    InspectionDraw,
    InspectionItem,
    InspectionPlan,
    InspectionTask,
    Inspector,
    InspectorConflict,
    JointMeasure,
    RepairApplication,
    SubjectCodeOverride,
)
from credit.services.standing import subject_standing_refresh


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditSubject)
class CreditSubjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "code", "grade", "score", "industry", "grid", "code_overridden")
    list_filter = ("kind", "grade", "code_overridden", "industry")
    search_fields = ("name", "code")
    exclude = ("lookup_key",)
    actions = ["standing_refresh"]

    @admin.action(description=_("重新计算名单和信用等级"))
    def standing_refresh(self, request, queryset):
        for subject in queryset:
            subject_standing_refresh(subject=subject)
        self.message_user(request, _("已重新计算 %(n)d 个主体") % {"n": queryset.count()}, messages.SUCCESS)


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "subject",
        "kind",
        "severity",
        "department_name",
        "decision_date",
        "rule_version",
        "published_at",
        "publication_max_until",
        "withdrawal_reason",
    )
    list_filter = ("kind", "severity", "rule_version", "source", "withdrawal_reason")
    search_fields = ("title", "decision_number", "subject__name")
    date_hierarchy = "decision_date"
    list_select_related = ("subject",)


@admin.register(SubjectCodeOverride)
class SubjectCodeOverrideAdmin(ReadOnlyAdmin):
    list_display = ("code", "subject", "actor", "created_at", "reason")
    search_fields = ("code", "subject__name")


@admin.register(CreditGrade)
class CreditGradeAdmin(ReadOnlyAdmin):
    list_display = ("subject", "scheme", "grade", "score", "created_at")
    list_filter = ("scheme", "grade")


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ("record", "status", "applicant_name", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor", "subject", "record", "from_status", "to_status")
    list_filter = ("action",)
    date_hierarchy = "at"


@admin.register(CreditList)
class CreditListAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "rule", "is_public", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(CreditListEntry)
class CreditListEntryAdmin(ReadOnlyAdmin):
    list_display = ("credit_list", "subject", "manual", "entered_at", "exited_at")
    list_filter = ("credit_list", "manual")


@admin.register(JointMeasure)
class JointMeasureAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "credit_list",
        "application_class",
        "department_name",
        "is_active",
    )
    list_filter = ("kind", "credit_list", "application_class", "is_active")
    search_fields = ("code", "name")


@admin.register(InspectionItem)
class InspectionItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "method", "is_active")
    search_fields = ("code", "name")


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ("certificate_number", "name", "department", "user", "is_active")
    search_fields = ("certificate_number", "name")
    raw_id_fields = ("user",)


@admin.register(InspectorConflict)
class InspectorConflictAdmin(admin.ModelAdmin):
    list_display = ("inspector", "subject", "reason")
    raw_id_fields = ("subject",)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "year", "status")
    list_filter = ("status", "year")


@admin.register(InspectionDraw)
class InspectionDrawAdmin(ReadOnlyAdmin):
    list_display = ("plan", "seed", "digest", "created_at", "drawn_by")


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ("draw", "subject", "grade_at_draw", "status", "outcome", "inspected_on")
    list_filter = ("status", "outcome")
