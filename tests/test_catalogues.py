"""The English translation is complete: extracting every translatable string of the tree again finds
none that lacks an English text, in any of Minyi's catalogues.

makemessages runs on a copy of the `minyi` package, so the committed catalogues are never rewritten;
each source file lands in the catalogue of the nearest `locale` folder above it, as in the tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = shutil.ignore_patterns("tests", "migrations", "__pycache__", "static", "*.mo")


def _unfinished(po: Path) -> list[str]:
    """msgids of `po` that are untranslated or fuzzy (as gettext's msgattrib lists them)."""
    listed = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(po)],
        capture_output=True, text=True, check=True,
    ).stdout
    fuzzy = [line for line in listed.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    listed = subprocess.run(
        ["msgattrib", "--untranslated", "--no-fuzzy", "--no-wrap", str(po)],
        capture_output=True, text=True, check=True,
    ).stdout
    missing = [line for line in listed.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    return fuzzy + missing


def test_every_string_has_an_english_translation(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "minyi", tmp_path / "minyi", ignore=SKIPPED)
    catalogues = sorted((tmp_path / "minyi").rglob("locale/en/LC_MESSAGES/django.po"))
    assert len(catalogues) >= 5, "the apps' catalogues were not found"
    admin = Path(sys.executable).with_name("django-admin")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "minyi.config.settings_test"}
    subprocess.run(
        [str(admin), "makemessages", "-l", "en", "--no-obsolete", "--add-location=file", "-v", "0"],
        cwd=tmp_path, env=environment, check=True, capture_output=True,
    )
    gaps = {str(po.relative_to(tmp_path)): _unfinished(po) for po in catalogues}
    assert {name: missing for name, missing in gaps.items() if missing} == {}
