from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EctalignConfig(AppConfig):
    default = True
    name = "ectalign"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ectalign.caching import connect_signals
        from ectalign.history import share_history_manager_classes

        connect_signals()
        share_history_manager_classes()


class EctalignAdminConfig(admin_apps.AdminConfig):
    default = False
    """The Django admin, replaced by our tenant-aware site (ectalign.admin_site)."""

    default_site = "ectalign.admin_site.EctalignAdminSite"
