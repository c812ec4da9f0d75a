from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "kedja.access"
    label = "access"
