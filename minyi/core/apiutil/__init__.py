"""Shared pieces of the /api/v1/ HTTP API: errors, authentication, pagination, input types."""
