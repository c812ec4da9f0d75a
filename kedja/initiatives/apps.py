from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "kedja.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self):
        from . import access  # noqa: F401 — registers the app's object permissions (rules)
