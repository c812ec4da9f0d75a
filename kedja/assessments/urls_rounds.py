"""Running and answering self-assessment rounds (views_rounds). The names are a contract other parts link to."""

from django.urls import path

from . import views_answer
from . import views_rounds as views

urlpatterns: list = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_new, name="round_new"),
    path("<int:round_id>/", views.round_detail, name="round_detail"),
    path("<int:round_id>/respondents/", views.respondent_add, name="respondent_add"),
    path("respondents/<int:respondent_id>/remove/", views.respondent_remove, name="respondent_remove"),
    path("<int:round_id>/close/", views.round_close, name="round_close"),
    path("<int:round_id>/reopen/", views.round_reopen, name="round_reopen"),
    path("<int:round_id>/sharing/", views.round_sharing, name="round_sharing"),
    path("<int:round_id>/answer/", views_answer.answer, name="answer"),
    path("<int:round_id>/answer/<int:node_id>/", views_answer.answer_item, name="answer_item"),
    path("<int:round_id>/answer/<int:node_id>/files/", views_answer.evidence_upload, name="evidence_upload"),
    path("<int:round_id>/submit/", views_answer.submit, name="submit"),
    path("files/<int:file_id>/", views_answer.evidence_download, name="evidence_download"),
]
