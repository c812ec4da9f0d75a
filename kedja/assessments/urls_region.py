"""The region's view of self-assessment (docs/domain.md, "The region's view"): round status and the shared
heat map."""

from django.urls import path

from . import views_region

urlpatterns = [
    path("region/<int:region_id>/", views_region.region_overview, name="region_overview"),
    path(
        "region/<int:region_id>/overview.xlsx",
        views_region.region_overview_xlsx,
        name="region_overview_xlsx",
    ),
]
