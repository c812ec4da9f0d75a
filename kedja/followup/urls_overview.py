"""URL patterns of followup/views_overview.py; kedja/followup/urls.py includes them under the "followup" namespace."""

from django.urls import path

from . import views_overview

urlpatterns: list = [
    path("overview/<int:org_id>/", views_overview.overview, name="overview"),
    path("overview/<int:org_id>/export.xlsx", views_overview.overview_xlsx, name="overview_xlsx"),
]
