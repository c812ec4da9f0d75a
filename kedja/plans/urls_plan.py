"""URL patterns of plans/views_plan.py; kedja/plans/urls.py includes them under the "plans" namespace."""

from django.urls import path

from . import views_plan

urlpatterns: list = [
    path("<int:org_id>/", views_plan.plan, name="plan"),
    path("<int:org_id>/plan.xlsx", views_plan.plan_xlsx, name="plan_xlsx"),
    path("<int:org_id>/actions/new/", views_plan.action_create, name="action_create"),
    path("actions/<int:action_id>/edit/", views_plan.action_edit, name="action_edit"),
    path("actions/<int:action_id>/delete/", views_plan.action_delete, name="action_delete"),
    path("<int:org_id>/from-gaps/", views_plan.from_gaps, name="from_gaps"),
    path("<int:org_id>/coverage/", views_plan.coverage, name="coverage"),
    path("<int:org_id>/coverage.xlsx", views_plan.coverage_xlsx, name="coverage_xlsx"),
    path("<int:org_id>/adopt/", views_plan.adopt, name="adopt"),
    path("<int:org_id>/versions/", views_plan.versions, name="versions"),
    path("versions/<int:version_id>/", views_plan.version, name="version"),
    path(
        "versions/<int:version_id>/changes.xlsx", views_plan.version_changes_xlsx, name="version_changes_xlsx"
    ),
]
