"""The initiative register: list, page, create/edit, delete and sharing (views_initiatives)."""

from django.urls import path

from . import views_initiatives as views

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_new, name="new"),
    path("<int:initiative_id>/", views.initiative_detail, name="detail"),
    path("<int:initiative_id>/edit/", views.initiative_edit, name="edit"),
    path("<int:initiative_id>/delete/", views.initiative_delete, name="delete"),
    path("<int:initiative_id>/sharing/", views.initiative_sharing, name="sharing"),
]
