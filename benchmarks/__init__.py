"""Benchmarks: python -m benchmarks.run [--db sqlite|postgres] [--quick]."""
