"""The gap analysis (docs/gap-analysis.md): a municipality's matrices and ranked gaps, one cell, the Excel
export, and the region's municipalities × stages."""

from django.urls import path

from . import views_gaps

urlpatterns = [
    path("gaps/<int:municipality_id>/", views_gaps.gaps, name="gaps"),
    path("gaps/<int:municipality_id>/cell/", views_gaps.gap_cell, name="gap_cell"),
    path("gaps/<int:municipality_id>/gaps.xlsx", views_gaps.gaps_export, name="gaps_export"),
    path("region/<int:region_id>/gaps/", views_gaps.region_gaps, name="region_gaps"),
    path("region/<int:region_id>/gaps.xlsx", views_gaps.region_gaps_export, name="region_gaps_xlsx"),
]
