from django.urls import path

from . import views_results

urlpatterns: list = [
    path("<int:round_id>/result/", views_results.result, name="result"),
    path("<int:round_id>/priorities/<int:node_id>/", views_results.priority, name="priority"),
    path("<int:round_id>/report.pdf", views_results.export_pdf, name="export_pdf"),
    path("<int:round_id>/answers.xlsx", views_results.export_xlsx, name="export_xlsx"),
]
