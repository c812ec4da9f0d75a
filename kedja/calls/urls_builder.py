"""URL patterns of calls/views_builder.py; kedja/calls/urls.py includes them under the "calls" namespace."""

from django.urls import path

from . import views_builder as views

urlpatterns = [
    path("", views.call_list, name="list"),
    path("new/<int:org_id>/", views.call_create, name="create"),
    path("<int:call_id>/", views.call_detail, name="detail"),
    path("<int:call_id>/edit/", views.call_edit, name="edit"),
    path("<int:call_id>/fields/", views.call_fields, name="fields"),
    path("fields/<int:field_id>/edit/", views.field_edit, name="field_edit"),
    path("fields/<int:field_id>/delete/", views.field_delete, name="field_delete"),
    path("fields/<int:field_id>/move/", views.field_move, name="field_move"),
    path("<int:call_id>/criteria/", views.call_criteria, name="criteria"),
    path("criteria/<int:criterion_id>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:criterion_id>/delete/", views.criterion_delete, name="criterion_delete"),
    path("criteria/<int:criterion_id>/move/", views.criterion_move, name="criterion_move"),
    path("<int:call_id>/preview/", views.call_preview, name="preview"),
    path("<int:call_id>/publish/", views.call_publish, name="publish"),
]
