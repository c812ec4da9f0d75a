"""The action plan (urls_plan) and the documents made from the whole chain (urls_documents), under the
"plans" namespace at /plans/."""

from . import urls_documents, urls_plan

app_name = "plans"

urlpatterns = [
    *urls_plan.urlpatterns,
    *urls_documents.urlpatterns,
]
