"""URL patterns of the principal's pages (followup/views_unit.py, views_students.py, views_log.py,
views_analysis.py); kedja/followup/urls.py includes them under the "followup" namespace."""

from django.urls import path

from . import views_analysis, views_log, views_students, views_unit

urlpatterns: list = [
    path("units/<int:unit_id>/", views_unit.unit, name="unit"),
    path("units/<int:unit_id>/rounds/open/", views_unit.round_open, name="round_open"),
    path("units/<int:unit_id>/groups/new/", views_unit.group_edit, name="group_new"),
    path("units/<int:unit_id>/groups/<int:group_id>/", views_unit.group_edit, name="group_edit"),
    path("units/<int:unit_id>/students/", views_students.students, name="students"),
    path("units/<int:unit_id>/students/new/", views_students.student_edit, name="student_new"),
    path("units/<int:unit_id>/students/move/", views_students.students_move, name="students_move"),
    path("units/<int:unit_id>/students/import/", views_students.students_import, name="students_import"),
    path(
        "units/<int:unit_id>/students/import/template.xlsx",
        views_students.students_import_template,
        name="students_import_template",
    ),
    path("units/<int:unit_id>/students/<int:student_id>/", views_students.student_edit, name="student_edit"),
    path(
        "units/<int:unit_id>/students/<int:student_id>/export.xlsx",
        views_students.student_export,
        name="student_export",
    ),
    path(
        "units/<int:unit_id>/students/<int:student_id>/erase/",
        views_students.student_erase,
        name="student_erase",
    ),
    path("units/<int:unit_id>/log/", views_log.log, name="log"),
    path("units/<int:unit_id>/log.csv", views_log.log_csv, name="log_csv"),
    path("rounds/<int:round_id>/analysis/", views_analysis.analysis_unit, name="analysis_unit"),
    path(
        "rounds/<int:round_id>/groups/<int:group_id>/analysis/",
        views_analysis.analysis_group,
        name="analysis_group",
    ),
    path("municipalities/<int:municipality_id>/questions/", views_analysis.questions, name="questions"),
]
