"""Loads and validates every app's processes/*.yaml at start-up; stores versions in the database lazily.

`load_all_definitions()` runs in `CoreConfig.ready()` and reads only files: the database may not be
migrated yet. Versions are written to (or checked against) `ProcessDefinitionVersion` by
`sync_definitions()` (called by the `migrate`/`serve` commands) or on the first `start()` of a
process. Running instances keep the version they began with, loaded back from its stored source.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction

from minyi.core.engine.definitions import ProcessDefinition, ProcessDefinitionError, parse_definition

# The version of each process found in the files (what new instances start with).
_current: dict[str, ProcessDefinition] = {}
# Every version ever used in this process, including old ones read back from the database.
_versions: dict[tuple[str, int], ProcessDefinition] = {}
# (name, version, digest) known to be stored and committed (see ensure_stored_once).
_stored: set[tuple[str, int, str]] = set()


def display_path(path: Path) -> str:
    """The path as written in error messages: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def load_definition_file(path: Path | str) -> ProcessDefinition:
    """Parse and validate one file (no database access)."""
    path = Path(path)
    return parse_definition(path.read_text(encoding="utf-8"), display_path(path))


def definition_files() -> list[Path]:
    files: list[Path] = []
    for config in apps.get_app_configs():
        folder = Path(config.path) / "processes"
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.yaml")))
    return files


def register(definition: ProcessDefinition) -> None:
    """Make `definition` the current version of its process (tests use this for their own files)."""
    known = _versions.get((definition.name, definition.version))
    if known is not None and known.digest != definition.digest:
        raise ProcessDefinitionError(
            definition.source_path,
            definition.version_line,
            f"process '{definition.name}' version {definition.version} is already loaded "
            f"from {known.source_path} with different content; bump the version",
        )
    _current[definition.name] = definition
    _versions[(definition.name, definition.version)] = definition


def unregister(name: str) -> None:
    definition = _current.pop(name, None)
    if definition is not None:
        _versions.pop((name, definition.version), None)


def load_all_definitions() -> dict[str, ProcessDefinition]:
    """Validate every processes/*.yaml of every installed app. Raises on the first bad file."""
    found: dict[str, ProcessDefinition] = {}
    for path in definition_files():
        definition = load_definition_file(path)
        if definition.name in found:
            raise ProcessDefinitionError(
                definition.source_path,
                1,
                f"duplicate name: process '{definition.name}' is also defined in "
                f"{found[definition.name].source_path}",
            )
        found[definition.name] = definition
    for definition in found.values():
        _current[definition.name] = definition
        _versions[(definition.name, definition.version)] = definition
    return found


def current_definition(name: str) -> ProcessDefinition:
    try:
        return _current[name]
    except KeyError:
        raise LookupError(f"no process definition named '{name}'") from None


def all_current_definitions() -> list[ProcessDefinition]:
    return list(_current.values())


def get_definition(name: str, version: int) -> ProcessDefinition:
    """The definition a running instance follows: from memory, else from its stored source."""
    cached = _versions.get((name, version))
    if cached is not None:
        return cached
    from minyi.core.models import ProcessDefinitionVersion

    stored = ProcessDefinitionVersion.objects.filter(name=name, version=version).first()
    if stored is None:
        raise LookupError(f"process '{name}' version {version} is neither loaded nor stored")
    definition = parse_definition(stored.source, f"{stored.source_path}@v{version}")
    _versions[(name, version)] = definition
    return definition


def ensure_stored(definition: ProcessDefinition) -> bool:
    """Store this version's source, or check the stored one is identical. True when newly stored."""
    from minyi.core.models import ProcessDefinitionVersion

    stored, created = ProcessDefinitionVersion.objects.get_or_create(
        name=definition.name,
        version=definition.version,
        defaults={
            "digest": definition.digest,
            "source": definition.source,
            "source_path": definition.source_path,
        },
    )
    if not created and stored.digest != definition.digest:
        raise ProcessDefinitionError(
            definition.source_path,
            definition.version_line,
            f"process '{definition.name}' version {definition.version} is already stored with different "
            f"content (from {stored.source_path}); bump the version",
        )
    return created


def ensure_stored_once(definition: ProcessDefinition) -> None:
    """`ensure_stored` at most once per version and content in this process (what `start` calls).

    Versions are immutable (a changed file must bump its version), so once a version is committed
    there is nothing left to check; remembered only after the transaction that stored or found it
    commits, so a rolled-back first start does not leave the version unstored.
    """
    key = (definition.name, definition.version, definition.digest)
    if key in _stored:
        return
    ensure_stored(definition)
    transaction.on_commit(lambda: _stored.add(key))


def sync_definitions() -> list[ProcessDefinition]:
    """Store every current version not yet stored; refuse changed files that kept their version.

    Called by the `migrate` and `serve` commands once the database is ready. Returns what was stored.
    """
    if not _current:
        load_all_definitions()
    return [definition for definition in list(_current.values()) if ensure_stored(definition)]
