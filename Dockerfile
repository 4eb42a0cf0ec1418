# The web application: gunicorn serving config.wsgi with the production settings.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    JUECE_MEDIA_ROOT=/var/lib/juece/media

WORKDIR /app

# The PDFs' fonts: Debian's Noto Serif/Sans CJK (decisions/documents/fonts.py prefers them to the
# smaller Simplified Chinese subsets of the pylopdf-fonts-zh-cn package, which work without them).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md LICENSE ./
COPY config ./config
COPY decisions ./decisions
COPY workflows ./workflows
RUN pip install .

# The project folder stays first on sys.path, so BASE_DIR is /app (templates/, locale/).
COPY manage.py ./
COPY templates ./templates
COPY locale ./locale
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin juece \
    && mkdir -p "$JUECE_MEDIA_ROOT" \
    && chown juece:juece "$JUECE_MEDIA_ROOT"

USER juece
VOLUME ["/var/lib/juece/media"]
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--no-control-socket"]
