import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ectalign.settings")

app = Celery("ectalign")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
