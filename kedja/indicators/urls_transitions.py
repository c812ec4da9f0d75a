"""URL patterns of indicators/views_transitions.py; kedja/indicators/urls.py includes them under the "indicators" namespace."""

from django.urls import path

from . import views_transitions

urlpatterns: list = [
    path("<int:org_id>/transitions/", views_transitions.transitions_view, name="transitions"),
    path("<int:org_id>/transitions/chain/", views_transitions.transitions_chain, name="transitions_chain"),
]
