"""Self-assessment URLs, one module per part: running and answering rounds, results, the region's view."""

from . import urls_region, urls_results, urls_rounds

app_name = "assessments"
urlpatterns = [*urls_rounds.urlpatterns, *urls_results.urlpatterns, *urls_region.urlpatterns]
