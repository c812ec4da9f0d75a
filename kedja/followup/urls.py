"""Mid-term follow-up: the teacher's grid and group view (urls_grid), the principal's unit, groups,
students, rounds, analyses and access log (urls_unit), aggregates above the unit (urls_overview) and the
municipality's scheme (urls_scheme)."""

from . import urls_grid, urls_overview, urls_scheme, urls_unit

app_name = "followup"

urlpatterns = [
    *urls_grid.urlpatterns,
    *urls_unit.urlpatterns,
    *urls_overview.urlpatterns,
    *urls_scheme.urlpatterns,
]
