"""`maintui schema` (JSON Schema of screen files and config.toml) and `maintui reference`
(docs/reference.md: every key of both, and every action's parameters, from the models)."""

from __future__ import annotations

import json
from typing import Any

HEADER = """\
# maintui reference

Every key of `config.toml` and of the screen files, and every built-in action's parameters.
Generated from the models by `maintui reference > docs/reference.md`: do not edit by hand
(tests/cli/test_schema.py fails when this page and the code disagree).

- `maintui actions NAME`: one action's parameters, as in the tables below.
- `maintui validate`: every problem of config.toml and the screen files at once, each as
  `file:line:column: key: message`.
- `maintui schema screen` and `maintui schema config` print JSON Schemas of the same keys for
  editors. For taplo (Even Better TOML), save them and add `[[rule]]` entries with
  `include = ["screens/*.toml"]` and `schema.path = "screen.schema.json"`.
- `maintui completion bash|zsh|fish` prints shell completion for commands, options, screen
  names and run ids: `maintui completion bash > ~/.local/share/bash-completion/completions/maintui`,
  `maintui completion zsh > ~/.zfunc/_maintui` (with `~/.zfunc` in `fpath`), or
  `maintui completion fish > ~/.config/fish/completions/maintui.fish`.
"""


def register(sub: Any, common: Any) -> None:
    s = sub.add_parser("schema", help="print a JSON Schema of screen files or config.toml",
                       description="Print a JSON Schema for editors' TOML language servers, e.g. "
                       "`maintui schema screen > screen.schema.json` and in taplo's config: "
                       "[[rule]] include = [\"screens/*.toml\"] schema.path = "
                       "\"screen.schema.json\".")
    s.add_argument("which", choices=("screen", "config"), help="which file's schema")
    s.set_defaults(handler=cmd_schema)
    r = sub.add_parser("reference", help="print the reference page of every key (Markdown)")
    r.set_defaults(handler=cmd_reference)


def cmd_schema(args: Any) -> int:
    from maintui.core.site.schema import config_schema, screen_schema

    schema = with_action_params(screen_schema()) if args.which == "screen" else config_schema()
    print(json.dumps(schema, indent=2))
    return 0


def with_action_params(schema: dict[str, Any]) -> dict[str, Any]:
    """The screen schema with each action's `with` parameters (key, meaning, type), chosen by
    the step's `action`; any parameter may also be a string (a `${template}`, "5s", "512M")."""
    from maintui.core.actions import all_actions
    from maintui.core.site.schema import field_docs

    rules = []
    for name, cls in all_actions().items():
        params = cls.Params.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
        schema.setdefault("$defs", {}).update(params.pop("$defs", {}))
        meanings = {d.name: d.meaning for d in field_docs(cls.Params)}
        props = {key: {"anyOf": [prop, {"type": "string"}],
                       "description": meanings.get(key, "")}
                 for key, prop in params.get("properties", {}).items()}
        rules.append({"if": {"properties": {"action": {"const": name}}, "required": ["action"]},
                      "then": {"properties": {"with": {
                          "type": "object", "properties": props, "additionalProperties": False,
                          "required": params.get("required", []),
                          "description": f"{name}: {cls.summary}"}}}})
    schema["$defs"]["Step"]["allOf"] = rules
    return schema


def cmd_reference(args: Any) -> int:
    print(reference(), end="")
    return 0


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[list[str]], head: list[str]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _field_rows(docs: list[Any]) -> list[list[str]]:
    return [[f"`{d.name}`", f"`{d.type}`", "required" if d.required else f"`{d.default}`",
             f"`{d.name} = {d.example}`", d.meaning] for d in docs]


def config_part() -> list[str]:
    from maintui.core.site.config import ENGINE_KEYS, KNOWN_SECTIONS
    from maintui.core.site.meanings import CONFIG_MEANINGS, SECTION_MEANINGS

    out = ["## config.toml", "",
           "Relative paths are resolved against the folder of config.toml. The site's own "
           "settings go under `[vars]` (and its sub-tables: `${vars.api.url}`); any other "
           "table or key not listed here is an error naming the fix.",
           ""]
    for section, keys in ENGINE_KEYS.items():
        out += [f"### [{section}]", ""]
        rows = [[f"`{k}`", f"`{kind.__name__}`", f"`{k} = {ex}`",
                 CONFIG_MEANINGS.get(f"{section}.{k}", "")] for k, (kind, ex) in keys.items()]
        out += _table(rows, ["key", "type", "example", "meaning"])
    out += classes_part()
    out += ["### Other sections", ""]
    rest = sorted((KNOWN_SECTIONS - set(ENGINE_KEYS) - {"classes"}) | {"secrets"})
    out += _table([[f"`{s}`", SECTION_MEANINGS.get(s, "site values (`${" + s + ".KEY}`)")]
                   for s in rest], ["section", "meaning"])
    return out


def classes_part() -> list[str]:
    from maintui.core.site.classes import CLASS_KEYS, CLASS_NAMES

    out = ["### [classes.NAME]", "",
           f"Policy for the steps whose `class` is NAME ({', '.join(CLASS_NAMES)}); "
           "docs/classes.md.", ""]
    rows = [[f"`{k}`", f"`{kind.__name__}`", f"`{k} = {ex}`", meaning]
            for k, (kind, ex, meaning) in CLASS_KEYS.items()]
    return out + _table(rows, ["key", "type", "example", "meaning"])


def screen_part() -> list[str]:
    from maintui.core.site.meanings import MEANINGS
    from maintui.core.site.schema import field_docs, screen_models

    out = ["## Screen files (`screens/NAME.toml`)", ""]
    for label, (model, header) in screen_models().items():
        out += [f"### {header}", ""]
        out += _table(_field_rows(field_docs(model, MEANINGS.get(label))),
                      ["key", "type", "default", "example", "meaning"])
    return out


def builtins_part() -> list[str]:
    """The names every run defines, and what a step's command sees and may print."""
    from maintui.core.site.meanings import BUILTIN_MEANINGS, STEP_CONVENTIONS
    from maintui.core.site.model import BUILTIN_VARS, CONTEXT_ENV

    variable = {name: var for var, name in CONTEXT_ENV.items()}
    rows = [[f"`${{{name}}}`", f"`{variable[name]}`", BUILTIN_MEANINGS[name]]
            for name in BUILTIN_VARS]
    rows += [[f"`{t}`" if t else "—", (v if v.startswith("`") else f"`{v}`") if v else "—", m]
             for t, v, m in STEP_CONVENTIONS]
    return ["## Built-in variables and step conventions", "",
            "In a screen file as `${name}`, in a step's command as the environment variable; "
            "the full rules (environment layers, working folder, shell, values between steps) "
            "are in docs/steps.md.", "",
            *_table(rows, ["template", "environment variable / line", "meaning"])]


def actions_part() -> list[str]:
    from maintui.core.actions import all_actions
    from maintui.core.site.paths import starter_site
    from maintui.core.site.schema import field_docs, screen_examples

    examples = screen_examples(starter_site() / "screens")
    out = ["## Actions (`action = \"NAME\"`, parameters in `with = { … }`)", ""]
    for name, cls in all_actions().items():
        undo = " Can be undone." if cls.has_undo() else ""
        out += [f"### {name}", "", f"{cls.summary}.{undo}", ""]
        docs = field_docs(cls.Params, examples=examples.get(name))
        out += _table(_field_rows(docs), ["parameter", "type", "default", "example", "meaning"])
    return out


def reference() -> str:
    """The whole reference page."""
    return "\n".join([HEADER, *config_part(), *screen_part(), *builtins_part(),
                      *actions_part()]).rstrip() + "\n"
