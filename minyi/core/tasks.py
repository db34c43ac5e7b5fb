"""Huey discovers each app's `tasks` module; core's periodic tasks live beside the code they run."""
