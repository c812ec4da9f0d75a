"""Goals and indicators: the goal tree, an indicator's page, its values grid and its target (views)."""

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("<int:org_id>/", views.goals, name="goals"),
    path("indicators/<int:indicator_id>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:indicator_id>/values/", views.indicator_values, name="values"),
    path("indicators/<int:indicator_id>/target/", views.indicator_target, name="target"),
]
