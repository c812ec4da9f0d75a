from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "kedja.indicators"
    label = "indicators"
    verbose_name = _("Goals and indicators")

    def ready(self):
        from kedja.initiatives import gap_evidence

        from . import access  # noqa: F401 — registers the app's object permissions (rules)
        from .gap_signals import gap_signals

        gap_evidence.register_signals(gap_signals)
