from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "kedja.plans"
    verbose_name = _("Action plans and documents")

    def ready(self):
        from . import access  # noqa: F401 — registers the app's object permissions (rules)
