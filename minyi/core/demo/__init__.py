"""Demo jurisdiction (示范市) and synthetic jurisdictions for benchmarks."""
