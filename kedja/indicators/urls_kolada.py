"""URL patterns of indicators/views_kolada.py; kedja/indicators/urls.py includes them under the "indicators" namespace."""

from django.urls import path

from . import views_kolada

urlpatterns: list = [
    path("<int:org_id>/kolada/", views_kolada.kolada_catalogue, name="kolada_catalogue"),
    path("<int:org_id>/kolada/follow/", views_kolada.kolada_follow, name="kolada_follow"),
    path("<int:org_id>/kolada/fetch/", views_kolada.kolada_fetch, name="kolada_fetch"),
    path("kolada/runs/<int:run_id>/", views_kolada.kolada_run, name="kolada_run"),
]
