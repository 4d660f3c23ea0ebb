"""Benchmarks and the synthetic catalogs they run on; they print numbers, not tests."""
