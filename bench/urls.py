"""config.urls, and the baseline page of the bench at /bench/baseline/ (bench.settings only)."""

from django.urls import path

from config.urls import handler403, handler404  # noqa: F401
from config.urls import urlpatterns as app_urlpatterns

from .baseline import baseline_view

urlpatterns = [path("bench/baseline/", baseline_view, name="bench-baseline"), *app_urlpatterns]
