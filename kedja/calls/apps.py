from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "kedja.calls"
    verbose_name = _("Calls and programmes")

    def ready(self):
        from . import access  # noqa: F401 — registers the app's object permissions (rules)
