"""URL patterns of followup/views_grid.py; kedja/followup/urls.py includes them under the "followup" namespace."""

from django.urls import path

from . import views_cells, views_grid

urlpatterns: list = [
    path("", views_grid.my_groups, name="my_groups"),
    path("rounds/<int:round_id>/groups/<int:group_id>/", views_grid.group, name="group"),
    path("rounds/<int:round_id>/groups/<int:group_id>/grid/", views_grid.grid, name="grid"),
    path(
        "rounds/<int:round_id>/groups/<int:group_id>/grid/template.xlsx",
        views_grid.grid_template,
        name="grid_template",
    ),
    path(
        "rounds/<int:round_id>/groups/<int:group_id>/grid/import/", views_grid.grid_import, name="grid_import"
    ),
    path("rounds/<int:round_id>/rows/<int:row_id>/cell/", views_cells.cell, name="cell"),
    path("rounds/<int:round_id>/groups/<int:group_id>/grid/cells/", views_cells.cells, name="cells"),
]
