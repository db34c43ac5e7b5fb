"""Test settings: the base settings, a test database (PostgreSQL when MINYI_TEST_DATABASE_URL is set), fast hashing."""

from __future__ import annotations

from minyi.config import env
from minyi.config.databases import database_from_url
from minyi.config.settings import *  # noqa: F403

DATABASES = {"default": database_from_url(env.text("MINYI_TEST_DATABASE_URL", "sqlite:///:memory:"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {"huey_class": "huey.MemoryHuey", "name": "minyi-test", "immediate": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
