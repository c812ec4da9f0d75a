from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "kedja.followup"
    verbose_name = _("Mid-term follow-up of students")
