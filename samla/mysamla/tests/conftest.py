"""Min Samla's browser tests take the provider configured for the live server: ``min_samla``."""

from samla.mysamla.tests.browser import min_samla  # noqa: F401 (a fixture)
