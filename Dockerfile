# One image for web, worker and beat (docker-compose.yml reuses it).
# Front-end packages (htmx, Leaflet) come from the npm registry at build time, never from a CDN.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
# Chromium prints reports and agreements to PDF; a CJK font renders them.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 1000 app
COPY pyproject.toml ./
RUN pip install --no-cache-dir . && rm -rf build *.egg-info
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--no-control-socket", "--access-logfile", "-"]
