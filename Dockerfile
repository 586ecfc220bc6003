# syntax=docker/dockerfile:1
# SEND Hub production image: gunicorn (web), Celery worker and Celery beat all run from this one
# image; docker/entrypoint.sh picks the role from the first argument (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    PATH="/app/.venv/bin:${PATH}"

# procps gives pgrep (the beat health check); Pango and a font let WeasyPrint build PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends procps libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The same uv as the lock file was written with.
RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# The project, listed explicitly so a developer's .venv, var/ (SQLite, uploads) and .env never
# end up in the image. A new Django app needs a line here (tests/test_docker_compose.py checks).
# .dockerignore leaves out the demo builders and seed_demo: the image has no Faker.
COPY manage.py ./
COPY docker ./docker
COPY send_hub ./send_hub
COPY staff ./staff
COPY pupils ./pupils
COPY interventions ./interventions
COPY safeguarding ./safeguarding
COPY records ./records
COPY templates ./templates
COPY static ./static

# Static files are collected into the image (var/static); whitenoise serves them. Settings refuse
# a weak key even here, so the step makes a throw-away one that is never stored.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    SEND_HUB_MFA_REQUIRED=false python manage.py collectstatic --noinput

# Run as an unprivileged user. var/media is created here and owned by that user so the named
# volume mounted over it starts with the right ownership.
RUN groupadd --system --gid 10001 sendhub \
    && useradd --system --uid 10001 --gid sendhub --home-dir /app --no-create-home sendhub \
    && mkdir -p /app/var/media \
    && chown sendhub:sendhub /app/var /app/var/media \
    && chmod 0755 /app/docker/entrypoint.sh
USER sendhub

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
