"""Site administration for frameworks. Versions and nodes are shown read-only where editing them in place
would bypass the rules (a published version is frozen; drafts are edited through the framework pages)."""

from django.contrib import admin

from kedja.core.texts import pick

from .models import Framework, FrameworkVersion, Node, Publication


class VersionInline(admin.TabularInline):
    model = FrameworkVersion
    extra = 0
    fields = ["number", "status", "published_at", "published_by", "created_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["key", "title_text", "owner", "created_at"]
    list_filter = [("owner", admin.EmptyFieldListFilter)]
    search_fields = ["key", "title", "owner__name"]
    autocomplete_fields = ["owner"]
    inlines = [VersionInline]

    @admin.display(description="title")
    def title_text(self, obj):
        return pick(obj.title)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "status", "published_at", "published_by"]
    list_filter = ["status"]
    search_fields = ["framework__key"]
    list_select_related = ["framework", "published_by"]
    readonly_fields = [
        "framework",
        "number",
        "status",
        "source",
        "published_at",
        "published_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # versions change only through publishing and drafts (frameworks.actions)


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title_text", "kind", "framework_version"]
    list_filter = ["framework_version", "kind"]
    search_fields = ["code", "title"]
    list_select_related = ["framework_version__framework"]
    readonly_fields = ["framework_version", "parent", "kind", "number", "code", "position", "version"]

    @admin.display(description="title")
    def title_text(self, obj):
        return pick(obj.title)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Published versions are frozen; drafts are edited on the framework pages (with conflict checks).
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["version", "region", "published_at", "published_by"]
    list_filter = ["region"]
    list_select_related = ["version__framework", "region", "published_by"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["version"]
    readonly_fields = ["published_at", "published_by"]
