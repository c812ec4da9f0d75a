from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "kedja.frameworks"
    label = "frameworks"
    verbose_name = _("Frameworks")

    def ready(self):
        from . import access  # noqa: F401 — registers the app's object permissions (rules)
