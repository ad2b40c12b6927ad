"""Benchmarks of the hub: ``python -m bench`` (or ``make bench``); see bench/README.md."""
