"""Calls: the organiser's builder (urls_builder), applying (urls_apply), review and selection (urls_review)
and the programme that follows (urls_programme)."""

from . import urls_apply, urls_builder, urls_programme, urls_review

app_name = "calls"

urlpatterns = [
    *urls_builder.urlpatterns,
    *urls_apply.urlpatterns,
    *urls_review.urlpatterns,
    *urls_programme.urlpatterns,
]
