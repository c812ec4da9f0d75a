from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "kedja.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from . import access  # noqa: F401 — registers the app's object permissions (rules)
