"""Import from Excel/CSV (template, upload and preview, import) and export (views_imports)."""

from django.urls import path

from . import views_imports as views

urlpatterns = [
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/", views.import_upload, name="import"),
    path("import/commit/", views.import_commit, name="import_commit"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("export.csv", views.export_csv, name="export_csv"),
]
