from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "kedja.assessments"
    label = "assessments"
    verbose_name = _("Self-assessment")

    def ready(self):
        from . import access  # noqa: F401 — registers the app's object permissions (rules)
