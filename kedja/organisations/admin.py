from django.contrib import admin
from django.utils.html import format_html

from .models import AuditEvent, Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "title", "is_active"]
    fk_name = "organisation"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """The organisation tree: ordered by path and indented by depth."""

    list_display = ["tree_name", "kind", "code", "org_number", "school_unit_code", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "code", "org_number", "school_unit_code"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]
    ordering = ["path"]
    list_per_page = 100

    @admin.display(description="name", ordering="path")
    def tree_name(self, obj):
        return format_html("{}{}", "\u2003" * obj.depth, obj.name)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "organisation__name"]
    exclude = ["token_hash"]
    readonly_fields = ["organisation", "email", "role", "invited_by", "accepted_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "verb", "actor", "organisation"]
    list_filter = ["verb"]
    readonly_fields = ["at", "verb", "actor", "organisation", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
