"""URL patterns of calls/views_review.py; kedja/calls/urls.py includes them under the "calls" namespace."""

from django.urls import path

from . import views_review as views

urlpatterns: list = [
    path("<int:call_id>/reviews/", views.reviews, name="reviews"),
    path("applications/<int:application_id>/review/", views.review, name="review"),
    path("<int:call_id>/ranking/", views.ranking_view, name="ranking"),
    path("applications/<int:application_id>/decide/", views.decide, name="decide"),
    path("<int:call_id>/decision/publish/", views.publish_decision, name="publish_decision"),
    path("<int:call_id>/decision/resend/", views.resend_decision_mails, name="resend_decision_mails"),
    path("<int:call_id>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("<int:call_id>/applications.xlsx", views.applications_xlsx, name="applications_xlsx"),
]
