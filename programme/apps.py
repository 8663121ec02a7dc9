from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"

    def ready(self):
        from programme.caching import connect_signals

        connect_signals()
