"""URL patterns of indicators/views_goals.py; kedja/indicators/urls.py includes them under the "indicators" namespace."""

from django.urls import path

from . import views_goals

urlpatterns: list = [
    path("<int:org_id>/goals/new/", views_goals.goal_create, name="goal_create"),
    path("goals/<int:goal_id>/edit/", views_goals.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/move/", views_goals.goal_move, name="goal_move"),
    path("goals/<int:goal_id>/delete/", views_goals.goal_delete, name="goal_delete"),
    path("<int:org_id>/indicators/new/", views_goals.indicator_create, name="indicator_create"),
    path("indicators/<int:indicator_id>/edit/", views_goals.indicator_edit, name="indicator_edit"),
    path("<int:org_id>/goals.xlsx", views_goals.goals_xlsx, name="goals_xlsx"),
]
