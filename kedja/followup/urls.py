"""Mid-term follow-up: the teacher's grid and group view (urls_grid), the principal's unit, groups,
students, rounds, analyses and access log (urls_unit), and aggregates above the unit (urls_overview)."""

from . import urls_grid, urls_overview, urls_unit

app_name = "followup"

urlpatterns = [*urls_grid.urlpatterns, *urls_unit.urlpatterns, *urls_overview.urlpatterns]
