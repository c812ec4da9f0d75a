from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kedja.core.views import health

admin.site.site_header = "Kedja"

urlpatterns = [
    path("", include("kedja.home.urls")),
    path("accounts/", include("kedja.accounts.urls")),
    path("organisations/", include("kedja.organisations.urls")),
    path("frameworks/", include("kedja.frameworks.urls")),
    path("assessments/", include("kedja.assessments.urls")),
    path("initiatives/", include("kedja.initiatives.urls")),
    path("goals/", include("kedja.indicators.urls")),
    path("plans/", include("kedja.plans.urls")),
    path("followup/", include("kedja.followup.urls")),
    path("calls/", include("kedja.calls.urls")),
    path("language/", set_language, name="set_language"),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
]

handler400 = "kedja.core.views_errors.bad_request"
handler403 = "kedja.core.views_errors.permission_denied"
handler404 = "kedja.core.views_errors.page_not_found"
handler500 = "kedja.core.views_errors.server_error"
