"""The settings bin/start serves with (config.settings.local, debug as DJANGO_DEBUG says), plus
the bench's baseline page: ``JUECE_BENCH_BASELINE`` on, and bench.urls in front of config.urls."""

from config.settings.local import *  # noqa: F403

JUECE_BENCH_BASELINE = True
ROOT_URLCONF = "bench.urls"
