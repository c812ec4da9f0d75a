"""Goals and indicators: the goal tree, an indicator's page, its values grid and its target (views), the
Kolada catalogue and fetches (urls_kolada), goal and indicator forms (urls_goals) and the transitions view
(urls_transitions)."""

from django.urls import path

from . import urls_goals, urls_kolada, urls_transitions, views

app_name = "indicators"

urlpatterns = [
    path("<int:org_id>/", views.goals, name="goals"),
    path("indicators/<int:indicator_id>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:indicator_id>/values/", views.indicator_values, name="values"),
    path("indicators/<int:indicator_id>/target/", views.indicator_target, name="target"),
    path("indicators/<int:indicator_id>/export.xlsx", views.indicator_export_xlsx, name="export_xlsx"),
    path("indicators/<int:indicator_id>/export.csv", views.indicator_export_csv, name="export_csv"),
    *urls_kolada.urlpatterns,
    *urls_goals.urlpatterns,
    *urls_transitions.urlpatterns,
]
