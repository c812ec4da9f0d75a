from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "kedja.core"
    label = "core"

    def ready(self):
        from .search import register_functions

        connection_created.connect(register_functions, dispatch_uid="kedja-core-search-functions")
