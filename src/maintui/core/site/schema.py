"""JSON Schemas of screen files and config.toml, and each key's meaning, read from the models."""

from __future__ import annotations

import inspect
import json
import re
import tomllib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from maintui.core.site.config import ENGINE_KEYS, KNOWN_SECTIONS
from maintui.core.site.meanings import (
    CONFIG_MEANINGS,
    EXAMPLES,
    MEANINGS,
    PARAM_EXAMPLES,
    SECTION_MEANINGS,
)
from maintui.core.site.model import Panels, Requires, ScreenHead, ScreenNotify, Step

DURATIONS = {"timeout", "estimate", "retry_delay"}  # a number of seconds or "5m"
JSON_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array"}
PLACEHOLDERS = {"str": '"…"', "int": "1", "float": "1.5", "bool": "true"}


@dataclass(frozen=True)
class FieldDoc:
    """One key of a model as the reference and `maintui actions NAME` show it."""

    name: str
    type: str
    required: bool
    default: str
    meaning: str
    example: str


def toml_value(value: Any) -> str:
    """A Python value written as TOML (for defaults and examples)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, BaseModel):
        return toml_value(value.model_dump())
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


def type_name(annotation: Any) -> str:
    """A short type name: `str`, `int | None`, `safe|normal`, `list[str]`."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "|".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if annotation is type(None):
        return "None"
    if origin is not None and args:
        return f"{getattr(origin, '__name__', str(origin))}[{', '.join(map(type_name, args))}]"
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def placeholder(annotation: Any) -> str:
    """An example value for a type when the model gives none."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return toml_value(args[0])
    if origin in (typing.Union, types.UnionType):
        return placeholder(next(a for a in args if a is not type(None)))
    if origin is list:
        return "[" + (placeholder(args[0]) if args else '"…"') + "]"
    if origin is dict:
        return '{ NAME = "…" }'
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "{ … }"
    return PLACEHOLDERS.get(getattr(annotation, "__name__", ""), '"…"')


def source_comments(model: type[BaseModel]) -> dict[str, str]:
    """`name: type = default  # meaning` comments in the model's source (and its bases')."""
    out: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            source = inspect.getsource(cls)
        except (OSError, TypeError):
            continue
        for m in re.finditer(r"^\s+(\w+)\s*:[^#\n]*#\s*(.+)$", source, re.M):
            out[m.group(1)] = m.group(2).strip()
    return out


def screen_examples(folder: Path) -> dict[str, dict[str, Any]]:
    """action -> parameter -> the first value a screen file in `folder` gives it (`with`),
    else the one meanings.PARAM_EXAMPLES gives."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            steps = tomllib.loads(path.read_text(encoding="utf-8")).get("steps", [])
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        for step in steps if isinstance(steps, list) else []:
            if isinstance(step, dict) and isinstance(step.get("with"), dict):
                found = out.setdefault(str(step.get("action")), {})
                for key, value in step["with"].items():
                    found.setdefault(key, value)
    for action, params in PARAM_EXAMPLES.items():  # what no bundled screen shows
        for key, value in params.items():
            out.setdefault(action, {}).setdefault(key, value)
    return out


def field_docs(model: type[BaseModel], meanings: dict[str, str] | None = None,
               examples: dict[str, Any] | None = None) -> list[FieldDoc]:
    """Every field of `model`: its key (alias), type, default, meaning and an example (the
    field's own, else one from `examples` (what a bundled screen gives it), else the default)."""
    comments, meanings, examples = source_comments(model), meanings or {}, examples or {}
    docs = []
    for name, f in model.model_fields.items():
        key = f.alias or name
        meaning = f.description or meanings.get(key) or comments.get(name, "")
        default = None if f.is_required() else f.get_default(call_default_factory=True)
        kind = type_name(f.annotation)
        if f.examples:
            example = toml_value(f.examples[0])
        elif key in examples:
            example = toml_value(examples[key])
        elif default not in (None, "", [], {}):
            example = toml_value(default)
        else:
            example = EXAMPLES.get(key) or placeholder(f.annotation)
        docs.append(FieldDoc(key, kind, f.is_required(), "" if f.is_required()
                             else toml_value(default) if default is not None else "(none)",
                             meaning, example))
    return docs


def screen_models() -> dict[str, tuple[type[BaseModel], str]]:
    """The screen file's tables: label -> (model, TOML header)."""
    return {"screen": (ScreenHead, "(top level)"), "panels": (Panels, "[panels]"),
            "notify": (ScreenNotify, "[notify]"), "step": (Step, "[[steps]]"),
            "requires": (Requires, "[steps.requires]")}


def _describe(schema: dict[str, Any], model: type[BaseModel], label: str) -> None:
    for doc in field_docs(model, MEANINGS.get(label)):
        prop = schema.get("properties", {}).get(doc.name)
        if prop is None:
            continue
        if doc.meaning:
            prop["description"] = doc.meaning
        if doc.name in DURATIONS and label == "step":
            prop.pop("anyOf", None)
            prop.pop("type", None)
            prop["anyOf"] = [{"type": "number"}, {"type": "string"}, {"type": "null"}]


def screen_schema() -> dict[str, Any]:
    """JSON Schema of a screen file (for editors' TOML language servers)."""
    schema = ScreenHead.model_json_schema(by_alias=True)
    defs = schema.setdefault("$defs", {})
    step = Step.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    defs.update(step.pop("$defs", {}))
    defs["Step"] = step
    schema["properties"]["steps"] = {"type": "array", "items": {"$ref": "#/$defs/Step"}}
    _describe(schema, ScreenHead, "screen")
    _describe(defs["Step"], Step, "step")
    for label, name in (("panels", "Panels"), ("notify", "ScreenNotify"),
                        ("requires", "Requires")):
        if name in defs:
            _describe(defs[name], screen_models()[label][0], label)
    schema["title"] = "maintui screen file"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def classes_schema() -> dict[str, Any]:
    """`[classes.NAME]`: a table per change class, its keys known."""
    from maintui.core.site.classes import CLASS_KEYS, CLASS_NAMES, FRICTIONS

    keys: dict[str, Any] = {k: {"type": JSON_TYPES[kind], "description": meaning,
                                "examples": [example]}
                            for k, (kind, example, meaning) in CLASS_KEYS.items()}
    keys["friction"]["enum"] = list(FRICTIONS)
    table = {"type": "object", "properties": keys, "additionalProperties": False}
    return {"type": "object", "description": SECTION_MEANINGS["classes"],
            "properties": {name: table for name in CLASS_NAMES}, "additionalProperties": False}


def config_schema() -> dict[str, Any]:
    """JSON Schema of config.toml: the engine's sections key by key, the others free-form."""
    props: dict[str, Any] = {}
    for section in sorted(KNOWN_SECTIONS):
        props[section] = {"type": "object", "description": SECTION_MEANINGS.get(section, "")}
    for section, keys in ENGINE_KEYS.items():
        table: dict[str, Any] = {}
        for key, (kind, example) in keys.items():
            table[key] = {"type": JSON_TYPES[kind], "description":
                          CONFIG_MEANINGS.get(f"{section}.{key}", ""), "examples": [example]}
            if kind is list:
                table[key]["items"] = {"type": "string"}
        props[section] = {"type": "object", "properties": table, "additionalProperties": False}
    props["thresholds"]["additionalProperties"] = {
        "type": "object", "required": ["warning", "critical"],
        "properties": {"warning": {"type": "number"}, "critical": {"type": "number"}}}
    props["logs"]["additionalProperties"] = {"type": "string"}
    props["classes"] = classes_schema()
    props["secrets"] = {"type": "array", "items": {"type": "string"},
                        "description": SECTION_MEANINGS["secrets"]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "maintui config.toml", "type": "object", "properties": props,
            "additionalProperties": False}  # anything else goes under [vars]
