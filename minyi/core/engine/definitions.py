"""Process definitions: parsing one YAML file into typed, validated data (O3).

Every error names the file and the line it concerns, so a bad file stops start-up with a message an
administrator can act on ("minyi/core/processes/role_request.yaml:12: unknown role 'foo' in
transition 'accept'"). Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import yaml

from minyi.core.calendar import DayKind
from minyi.core.models.units import UnitKind
from minyi.core.roles import ALL_ROLE_CODES, RELATIONAL_ROLE_BY_CODE, ROLE_BY_CODE

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
INPUT_TYPES = frozenset({"text", "integer", "decimal", "date", "choice", "unit", "person", "boolean"})
# Event actions the engine writes itself; a transition may not take these names.
RESERVED_TRANSITION_NAMES = frozenset({"start", "override", "overdue"})
ESCALATE_PARENT = "parent"


class ProcessDefinitionError(Exception):
    """A process file that cannot be used; the message starts with "path:line:"."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.problem = message


@dataclass(frozen=True)
class Title:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True)
class Period:
    days: int
    calendar: DayKind


@dataclass(frozen=True)
class InputDef:
    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True)
class OverdueStep:
    kind: str  # "remind" | "escalate" | "transition"
    after: Period | None = None
    to_role: str = ""
    to_unit: str = ""  # "parent" or a unit kind
    to_state: str = ""
    line: int = 0


@dataclass(frozen=True)
class StateDef:
    name: str
    title: Title
    final: bool = False
    deadline: Period | None = None
    overdue: tuple[OverdueStep, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class TransitionDef:
    name: str
    title: Title
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    inputs: tuple[InputDef, ...] = ()
    require_reason: bool = False
    line: int = 0

    @property
    def office_roles(self) -> tuple[str, ...]:
        """Roles held through a grant (as opposed to relational roles the subject decides)."""
        return tuple(r for r in self.roles if r in ROLE_BY_CODE)

    @property
    def relational_roles(self) -> tuple[str, ...]:
        return tuple(r for r in self.roles if r in RELATIONAL_ROLE_BY_CODE)


@dataclass(frozen=True)
class ProcessDefinition:
    name: str
    version: int
    title: Title
    initial: str
    states: dict[str, StateDef]
    transitions: dict[str, TransitionDef]
    start_inputs: tuple[InputDef, ...] = ()
    public: bool = False
    source: str = field(default="", repr=False)
    source_path: str = ""
    version_line: int = 0

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def transitions_from(self, state: str) -> list[TransitionDef]:
        return [t for t in self.transitions.values() if state in t.sources]

    def awaiting_roles(self, state: str) -> tuple[str, ...]:
        """Who may act in `state` by the definition: every role of every transition leaving it, in order."""
        seen: dict[str, None] = {}
        for transition in self.transitions_from(state):
            for role in transition.roles:
                seen.setdefault(role, None)
        return tuple(seen)


# --- YAML with line numbers -------------------------------------------------------------------


class _Mapping(dict[Any, Any]):
    """A YAML mapping that remembers where it and each of its keys were written."""

    line: int = 0
    key_lines: dict[Any, int]


class _DuplicateKey(Exception):
    def __init__(self, line: int, key: Any) -> None:
        self.line, self.key = line, key


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    result = _Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise _DuplicateKey(key_node.start_mark.line + 1, key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --- parsing ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: str, path: str) -> None:
        self.source = source
        self.path = path

    def fail(self, line: int, message: str) -> ProcessDefinitionError:
        return ProcessDefinitionError(self.path, line, message)

    def mapping(self, value: Any, line: int, what: str) -> _Mapping:
        if not isinstance(value, _Mapping):
            raise self.fail(line, f"{what} must be a mapping")
        return value

    def check_keys(
        self, data: _Mapping, allowed: set[str], what: str, required: tuple[str, ...] = ()
    ) -> None:
        for key, line in data.key_lines.items():
            if key not in allowed:
                raise self.fail(line, f"unknown key '{key}' in {what}")
        for key in required:
            if key not in data:
                raise self.fail(data.line, f"missing key '{key}' in {what}")

    def line_of(self, data: _Mapping, key: str) -> int:
        return data.key_lines.get(key, data.line)

    def name(self, value: Any, line: int, what: str) -> str:
        if not isinstance(value, str) or not NAME_PATTERN.match(value):
            raise self.fail(line, f"{what} {value!r} must be lower-case letters, digits and '_'")
        return value

    def title(self, value: Any, line: int, what: str) -> Title:
        data = self.mapping(value, line, f"title of {what}")
        self.check_keys(data, {"zh", "en"}, f"title of {what}", required=("zh", "en"))
        for lang in ("zh", "en"):
            if not isinstance(data[lang], str) or not data[lang].strip():
                raise self.fail(self.line_of(data, lang), f"title.{lang} of {what} must be non-empty text")
        return Title(zh=data["zh"].strip(), en=data["en"].strip())

    def boolean(self, data: _Mapping, key: str, what: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(self.line_of(data, key), f"'{key}' of {what} must be true or false")
        return value

    def period(self, value: Any, line: int, what: str) -> Period:
        data = self.mapping(value, line, what)
        self.check_keys(data, {"days", "calendar"}, what, required=("days",))
        days = data["days"]
        if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
            raise self.fail(self.line_of(data, "days"), f"bad {what}: days must be a positive whole number")
        calendar = data.get("calendar", DayKind.WORKING.value)
        if calendar not in {kind.value for kind in DayKind}:
            raise self.fail(
                self.line_of(data, "calendar"),
                f"bad {what}: unknown calendar kind {calendar!r} (use 'working' or 'calendar')",
            )
        return Period(days=days, calendar=DayKind(calendar))

    def inputs(self, value: Any, line: int, what: str) -> tuple[InputDef, ...]:
        if value is None:
            return ()
        data = self.mapping(value, line, f"inputs of {what}")
        result = []
        for name, spec in data.items():
            key_line = self.line_of(data, name)
            self.name(name, key_line, f"input name in {what}")
            spec = self.mapping(spec if spec is not None else _empty(key_line), key_line, f"input '{name}'")
            self.check_keys(
                spec,
                {"type", "required", "choices", "max_length"},
                f"input '{name}' of {what}",
                required=("type",),
            )
            kind = spec["type"]
            if kind not in INPUT_TYPES:
                raise self.fail(
                    self.line_of(spec, "type"), f"unknown input type {kind!r} for input '{name}' of {what}"
                )
            choices = spec.get("choices")
            if kind == "choice":
                if (
                    not isinstance(choices, list)
                    or not choices
                    or not all(isinstance(c, str) for c in choices)
                ):
                    raise self.fail(
                        self.line_of(spec, "choices"),
                        f"input '{name}' of {what} needs a non-empty list of text choices",
                    )
                if len(set(choices)) != len(choices):
                    raise self.fail(
                        self.line_of(spec, "choices"), f"duplicate choice in input '{name}' of {what}"
                    )
            elif choices is not None:
                raise self.fail(
                    self.line_of(spec, "choices"), f"only 'choice' inputs take choices ('{name}')"
                )
            max_length = spec.get("max_length")
            if max_length is not None and (
                kind != "text"
                or isinstance(max_length, bool)
                or not isinstance(max_length, int)
                or max_length <= 0
            ):
                raise self.fail(
                    self.line_of(spec, "max_length"),
                    f"max_length of input '{name}' must be a positive number on a text input",
                )
            result.append(
                InputDef(
                    name=name,
                    type=kind,
                    required=self.boolean(spec, "required", f"input '{name}'"),
                    choices=tuple(choices or ()),
                    max_length=max_length,
                )
            )
        return tuple(result)

    def roles(self, value: Any, line: int, what: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self.fail(line, f"{what} needs a non-empty list of roles")
        for role in value:
            if role not in ALL_ROLE_CODES:
                raise self.fail(line, f"unknown role {role!r} in {what}")
        if len(set(value)) != len(value):
            raise self.fail(line, f"duplicate role in {what}")
        return tuple(value)

    def overdue(self, value: Any, line: int, state: str) -> tuple[OverdueStep, ...]:
        if not isinstance(value, list):
            raise self.fail(line, f"overdue of state '{state}' must be a list of steps")
        steps = []
        for raw in value:
            step = self.mapping(raw, line, f"an overdue step of state '{state}'")
            what = f"overdue step of state '{state}'"
            self.check_keys(step, {"remind", "escalate", "transition", "after"}, what)
            kinds = [k for k in ("remind", "escalate", "transition") if k in step]
            if len(kinds) != 1:
                raise self.fail(step.line, f"each {what} needs exactly one of remind, escalate, transition")
            kind = kinds[0]
            body_line = self.line_of(step, kind)
            after = (
                self.period(step["after"], self.line_of(step, "after"), f"'after' of {what}")
                if ("after" in step)
                else None
            )
            if kind == "remind":
                if step["remind"] not in (None, True) and step["remind"] != {}:
                    raise self.fail(body_line, f"remind takes no options in {what}")
                steps.append(OverdueStep(kind="remind", after=after, line=step.line))
            elif kind == "escalate":
                body = self.mapping(step["escalate"], body_line, f"escalate of {what}")
                self.check_keys(body, {"to_role", "to_unit"}, f"escalate of {what}")
                if not body:
                    raise self.fail(body_line, f"escalate needs to_role and/or to_unit in {what}")
                to_role = body.get("to_role", "")
                if to_role and to_role not in ROLE_BY_CODE:
                    raise self.fail(
                        self.line_of(body, "to_role"), f"unknown role {to_role!r} in escalate of {what}"
                    )
                to_unit = body.get("to_unit", "")
                if to_unit and to_unit != ESCALATE_PARENT and to_unit not in UnitKind.values:
                    raise self.fail(
                        self.line_of(body, "to_unit"),
                        f"escalate to_unit must be 'parent' or a unit kind, not {to_unit!r}",
                    )
                steps.append(
                    OverdueStep(
                        kind="escalate",
                        after=after,
                        to_role=to_role or "",
                        to_unit=to_unit or "",
                        line=step.line,
                    )
                )
            else:
                body = self.mapping(step["transition"], body_line, f"transition of {what}")
                self.check_keys(body, {"to"}, f"transition of {what}", required=("to",))
                steps.append(
                    OverdueStep(
                        kind="transition",
                        after=after,
                        to_state=str(body["to"]),
                        line=self.line_of(body, "to"),
                    )
                )
        return tuple(steps)

    def state(self, name: str, value: Any, line: int) -> StateDef:
        data = self.mapping(value, line, f"state '{name}'")
        what = f"state '{name}'"
        self.check_keys(data, {"title", "final", "deadline", "overdue"}, what, required=("title",))
        final = self.boolean(data, "final", what)
        deadline = (
            self.period(data["deadline"], self.line_of(data, "deadline"), f"deadline of {what}")
            if ("deadline" in data)
            else None
        )
        overdue = (
            self.overdue(data["overdue"], self.line_of(data, "overdue"), name) if "overdue" in data else ()
        )
        if final and (deadline or overdue):
            raise self.fail(line, f"final {what} cannot have a deadline or overdue steps")
        if overdue and not deadline:
            raise self.fail(self.line_of(data, "overdue"), f"{what} has overdue steps but no deadline")
        return StateDef(
            name=name,
            title=self.title(data["title"], self.line_of(data, "title"), what),
            final=final,
            deadline=deadline,
            overdue=overdue,
            line=line,
        )

    def transition(self, name: str, value: Any, line: int) -> TransitionDef:
        what = f"transition '{name}'"
        data = self.mapping(value, line, what)
        self.check_keys(
            data,
            {"from", "to", "roles", "inputs", "title", "require_reason"},
            what,
            required=("from", "to", "roles", "title"),
        )
        sources = data["from"]
        if isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or not sources:
            raise self.fail(self.line_of(data, "from"), f"'from' of {what} needs a list of states")
        if len(set(sources)) != len(sources):
            raise self.fail(self.line_of(data, "from"), f"duplicate state in 'from' of {what}")
        return TransitionDef(
            name=name,
            title=self.title(data["title"], self.line_of(data, "title"), what),
            sources=tuple(str(s) for s in sources),
            target=str(data["to"]),
            roles=self.roles(data["roles"], self.line_of(data, "roles"), what),
            inputs=self.inputs(data.get("inputs"), self.line_of(data, "inputs"), what),
            require_reason=self.boolean(data, "require_reason", what),
            line=line,
        )

    def parse(self) -> ProcessDefinition:
        try:
            raw = yaml.load(self.source, Loader=_LineLoader)
        except _DuplicateKey as exc:
            raise self.fail(exc.line, f"duplicate name {exc.key!r}") from None
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            raise self.fail(line, f"not valid YAML: {exc.problem}") from None
        top = self.mapping(raw, 1, "a process file")
        self.check_keys(
            top,
            {"name", "version", "title", "initial", "states", "transitions", "inputs", "public"},
            "the process",
            required=("name", "version", "title", "initial", "states", "transitions"),
        )
        name = self.name(top["name"], self.line_of(top, "name"), "process name")
        version = top["version"]
        if isinstance(version, bool) or not isinstance(version, int) or version <= 0:
            raise self.fail(self.line_of(top, "version"), "version must be a positive whole number")
        states_map = self.mapping(top["states"], self.line_of(top, "states"), "states")
        states: dict[str, StateDef] = {}
        for state_name, spec in states_map.items():
            state_line = self.line_of(states_map, state_name)
            states[self.name(state_name, state_line, "state name")] = self.state(state_name, spec, state_line)
        transitions_map = self.mapping(top["transitions"], self.line_of(top, "transitions"), "transitions")
        transitions: dict[str, TransitionDef] = {}
        for transition_name, spec in transitions_map.items():
            t_line = self.line_of(transitions_map, transition_name)
            self.name(transition_name, t_line, "transition name")
            if transition_name in RESERVED_TRANSITION_NAMES:
                raise self.fail(t_line, f"transition name '{transition_name}' is reserved by the engine")
            transitions[transition_name] = self.transition(transition_name, spec, t_line)
        definition = ProcessDefinition(
            name=name,
            version=version,
            title=self.title(top["title"], self.line_of(top, "title"), "the process"),
            initial=str(top["initial"]),
            states=states,
            transitions=transitions,
            start_inputs=self.inputs(top.get("inputs"), self.line_of(top, "inputs"), "the process start"),
            public=self.boolean(top, "public", "the process"),
            source=self.source,
            source_path=self.path,
            version_line=self.line_of(top, "version"),
        )
        self.check_graph(definition, self.line_of(top, "initial"))
        return definition

    def check_graph(self, definition: ProcessDefinition, initial_line: int) -> None:
        states = definition.states
        if definition.initial not in states:
            raise self.fail(initial_line, f"unknown state {definition.initial!r} as initial state")
        edges: dict[str, set[str]] = {name: set() for name in states}
        for transition in definition.transitions.values():
            for source in transition.sources:
                if source not in states:
                    raise self.fail(
                        transition.line,
                        f"unknown state {source!r} in 'from' of transition '{transition.name}'",
                    )
                if states[source].final:
                    raise self.fail(
                        transition.line,
                        f"final state '{source}' has an outgoing transition '{transition.name}'",
                    )
                edges[source].add(transition.target)
            if transition.target not in states:
                raise self.fail(
                    transition.line,
                    f"unknown state {transition.target!r} in 'to' of transition '{transition.name}'",
                )
        for state in states.values():
            for step in state.overdue:
                if step.kind == "transition":
                    if step.to_state not in states:
                        raise self.fail(
                            step.line,
                            f"unknown state {step.to_state!r} in overdue transition of state '{state.name}'",
                        )
                    edges[state.name].add(step.to_state)
        for state in states.values():
            if not state.final and not edges[state.name]:
                raise self.fail(state.line, f"dead end: state '{state.name}' is not final and has no way out")
        reached = {definition.initial}
        queue = deque([definition.initial])
        while queue:
            for target in edges[queue.popleft()]:
                if target not in reached:
                    reached.add(target)
                    queue.append(target)
        for state in states.values():
            if state.name not in reached:
                raise self.fail(
                    state.line, f"unreachable state '{state.name}' (no path from '{definition.initial}')"
                )


def _empty(line: int) -> _Mapping:
    result = _Mapping()
    result.line, result.key_lines = line, {}
    return result


def parse_definition(source: str, path: str) -> ProcessDefinition:
    """Parse and validate one process file; raises ProcessDefinitionError naming path and line."""
    return _Parser(source, path).parse()
