"""Configuration from the environment, production refusal, and the compose file."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SAFE_PRODUCTION = {
    "ECTALIGN_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-for-tests-0123456789",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "ectalign.example.org",
    "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'check-deploy.sqlite3'}",
}


def run_django(code, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ECTALIGN_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DEMO_MODE", "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "ectalign.settings", **env_overrides})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "missing,message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list the host names"),
        ({"DEMO_MODE": "true"}, "DEMO_MODE must be off"),
    ],
)
def test_production_refuses_an_unsafe_configuration(missing, message):
    result = run_django("import django; django.setup()", **{**SAFE_PRODUCTION, **missing})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_a_safe_configuration():
    result = run_django(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)",
        **SAFE_PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "31536000", "True"]


def test_check_deploy_raises_no_warning_in_production():
    result = run_django(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **SAFE_PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_default_is_sqlite_eager_console():
    result = run_django(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DATABASES['default']['NAME'])",
        DATABASE_URL="", REDIS_URL="", EMAIL_HOST="",
    )
    assert result.returncode == 0, result.stderr
    engine, eager, backend, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert name == str(ROOT / "var" / "ectalign.sqlite3")


def test_var_is_git_ignored():
    assert "var/" in (ROOT / ".gitignore").read_text().split()


def settings_env_names():
    source = (ROOT / "ectalign" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def test_compose_runs_the_production_stack_from_one_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    images = {services[name].get("image") for name in ("web", "worker", "beat")}
    assert len(images) == 1 and None not in images
    assert "gunicorn ectalign.wsgi:application" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "ectalign", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "ectalign", "beat"]
    known = settings_env_names()
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert set(environment) <= known, f"{name} sets variables the settings never read: {set(environment) - known}"
        assert environment["ECTALIGN_ENV"] == "production"
        assert environment["DATABASE_URL"].startswith("postgres://") and "@db:" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert environment["EMAIL_HOST"] == "mailpit"


def test_env_example_documents_every_setting():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert settings_env_names() - {"CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND", "MEDIA_ROOT", "CONN_MAX_AGE"} <= documented


def test_dependency_lock_is_pinned_without_index_hosts():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text()
        assert "--index-url" not in text and "--extra-index-url" not in text and "http" not in text
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", text, re.M)
        assert pins, name
        assert all("--hash=sha256:" in block for block in text.split("\n\n") if "==" in block)
    runtime = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", (ROOT / "requirements.lock").read_text(), re.M))
    assert runtime["django"].startswith("5.2.")
