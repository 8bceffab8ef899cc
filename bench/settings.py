"""Samla's settings with the benchmark's URLconf (``bench/urls.py``): the floor view exists only
here, never in the product's URLconf that the permission matrix walks."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
