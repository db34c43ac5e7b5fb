"""Core routers of the /api/v1/ API (mounted in minyi/config/api.py)."""
