"""Site administration for initiatives: for looking, not for changing. Every change goes through
initiatives.actions (which keeps the gap cells, the robustness flag and the audit trail true), so the
admin neither adds, changes nor deletes."""

from django.contrib import admin

from .models import Initiative


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "municipality",
        "owner",
        "funding",
        "funding_ends",
        "ends",
        "sharing",
        "robust",
        "updated_at",
    ]
    list_filter = ["funding", "evidence_base", "sharing", "robust", "municipality"]
    search_fields = [
        "name",
        "description",
        "responsible_function",
        "partners",
        "owner__name",
        "municipality__name",
    ]
    list_select_related = ["municipality", "owner"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Initiative._meta.fields] + ["items"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
