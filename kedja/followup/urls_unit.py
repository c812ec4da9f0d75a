"""URL patterns of followup/views_unit.py; kedja/followup/urls.py includes them under the "followup" namespace."""

from django.urls import path

from . import views_unit as v

urlpatterns: list = [
    path("units/<int:unit_id>/", v.unit, name="unit"),
    path("units/<int:unit_id>/rounds/open/", v.round_open, name="round_open"),
    path("units/<int:unit_id>/groups/new/", v.group_edit, name="group_new"),
    path("units/<int:unit_id>/groups/<int:group_id>/", v.group_edit, name="group_edit"),
    path("units/<int:unit_id>/students/", v.students, name="students"),
    path("units/<int:unit_id>/students/new/", v.student_edit, name="student_new"),
    path("units/<int:unit_id>/students/move/", v.students_move, name="students_move"),
    path("units/<int:unit_id>/students/import/", v.students_import, name="students_import"),
    path(
        "units/<int:unit_id>/students/import/template.xlsx",
        v.students_import_template,
        name="students_import_template",
    ),
    path("units/<int:unit_id>/students/<int:student_id>/", v.student_edit, name="student_edit"),
    path(
        "units/<int:unit_id>/students/<int:student_id>/export.xlsx", v.student_export, name="student_export"
    ),
    path("units/<int:unit_id>/students/<int:student_id>/erase/", v.student_erase, name="student_erase"),
    path("units/<int:unit_id>/log/", v.log, name="log"),
    path("units/<int:unit_id>/log.csv", v.log_csv, name="log_csv"),
    path("rounds/<int:round_id>/analysis/", v.analysis_unit, name="analysis_unit"),
    path("rounds/<int:round_id>/groups/<int:group_id>/analysis/", v.analysis_group, name="analysis_group"),
    path("municipalities/<int:municipality_id>/questions/", v.questions, name="questions"),
]
