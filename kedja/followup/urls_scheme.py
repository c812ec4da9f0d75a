"""URL patterns of followup/views_scheme.py; kedja/followup/urls.py includes them under the "followup" namespace."""

from django.urls import path

from . import views_scheme as v

urlpatterns: list = [
    path("municipalities/<int:municipality_id>/scheme/", v.scheme, name="scheme"),
    path(
        "municipalities/<int:municipality_id>/scheme/versions/<int:number>/",
        v.scheme_version,
        name="scheme_version",
    ),
    path("municipalities/<int:municipality_id>/scheme/edit/", v.scheme_edit, name="scheme_edit"),
]
