"""URL patterns of calls/views_apply.py; kedja/calls/urls.py includes them under the "calls" namespace."""

from django.urls import path

from . import views_apply

urlpatterns: list = [
    path("<int:call_id>/apply/", views_apply.apply, name="apply"),
    path("<int:call_id>/apply/autosave/", views_apply.autosave, name="autosave"),
    path("<int:call_id>/apply/submit/", views_apply.submit, name="submit"),
    path("applications/<int:application_id>/status/", views_apply.my_application, name="my_application"),
    path("applications/<int:application_id>/receipt/", views_apply.receipt, name="receipt"),
    path("applications/<int:application_id>/receipt.pdf", views_apply.receipt_pdf, name="receipt_pdf"),
    path("applications/<int:application_id>/withdraw/", views_apply.withdraw, name="withdraw"),
    path("application-files/<int:file_id>/", views_apply.application_file, name="application_file"),
]
