"""URL patterns of plans/views_documents.py (the documents); kedja/plans/urls.py includes them."""

from django.urls import path

from . import views_documents

urlpatterns: list = [
    path("<int:org_id>/documents/", views_documents.documents, name="documents"),
    path("documents/<int:document_id>/file/", views_documents.document_file, name="document_file"),
]
