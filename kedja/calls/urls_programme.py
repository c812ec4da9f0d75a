"""URL patterns of calls/views_programme.py; kedja/calls/urls.py includes them under the "calls" namespace."""

from django.urls import path

from . import views_programme as views

urlpatterns: list = [
    path("<int:call_id>/programme/", views.programme, name="programme"),
    path("<int:call_id>/programme/edit/", views.programme_edit, name="programme_edit"),
    path("<int:call_id>/programme/fill/", views.programme_fill, name="programme_fill"),
    path("<int:call_id>/programme/meetings/new/", views.meeting_add, name="meeting_add"),
    path("<int:call_id>/programme.ics", views.programme_ics, name="programme_ics"),
    path("<int:call_id>/programme.xlsx", views.programme_xlsx, name="programme_xlsx"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/delete/", views.meeting_delete, name="meeting_delete"),
    path(
        "participants/<int:participant_id>/deliverable/", views.deliverable_upload, name="deliverable_upload"
    ),
    path("participants/<int:participant_id>/status/", views.deliverable_status, name="deliverable_status"),
    path("participants/<int:participant_id>/file/", views.deliverable_file, name="deliverable_file"),
]
