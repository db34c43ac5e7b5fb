"""O3 — the process engine: procedures as data (processes/*.yaml), one guarded transition, a recorded
override, and a periodic sweep applying overdue steps. See docs/processes.md.

Import the functions from their modules (`minyi.core.engine.runtime`, `.sweep`, `.registry`):
this package is imported from `CoreConfig.ready()` and must stay light.
"""
