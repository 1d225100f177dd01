# Savad production image: gunicorn serves the site; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY scripts/build-assets.mjs scripts/
RUN npm run --silent build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=lms.settings.production PORT=8000
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 savad
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e ".[elasticsearch]"
COPY --from=assets /app/static_build static_build
# Build-time placeholders only: collectstatic and compilemessages need settings to load.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py compilemessages -v0 \
        --ignore=node_modules \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media && chown -R savad /app/media
USER savad
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn lms.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
