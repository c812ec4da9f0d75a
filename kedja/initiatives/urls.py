"""Initiative URLs, one module per part: the register, import/export, the gap analysis."""

from . import urls_gaps, urls_imports, urls_initiatives

app_name = "initiatives"
urlpatterns = [*urls_initiatives.urlpatterns, *urls_imports.urlpatterns, *urls_gaps.urlpatterns]
