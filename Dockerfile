# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=ectalign.settings

# WeasyPrint needs Pango and HarfBuzz (with its subsetter for the fast font path).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache -r requirements.lock

COPY . .
RUN ECTALIGN_ENV=development python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 ectalign && mkdir -p var && chown -R ectalign var
USER ectalign

EXPOSE 8000
CMD ["gunicorn", "ectalign.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
