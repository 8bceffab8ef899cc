"""Benchmarks for Samla, run with ``make bench`` (``python -m bench``)."""
