"""Fixed runs that print speed and memory figures (`python -m benchmarks`)."""
