"""The settings bin/start serves with (config.settings.local, debug off unless DJANGO_DEBUG),
with the engine row's bare write in front of config.urls (bench.engine_site)."""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.engine_site"
