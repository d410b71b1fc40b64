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

    print(json.dumps(screen_schema() if args.which == "screen" else config_schema(), indent=2))
    return 0


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
           "Relative paths are resolved against the folder of config.toml. Sections not listed "
           "under their keys hold the site's own values, used in screens as `${section.key}`.",
           ""]
    for section, keys in ENGINE_KEYS.items():
        out += [f"### [{section}]", ""]
        rows = [[f"`{k}`", f"`{kind.__name__}`", f"`{k} = {ex}`",
                 CONFIG_MEANINGS.get(f"{section}.{k}", "")] for k, (kind, ex) in keys.items()]
        out += _table(rows, ["key", "type", "example", "meaning"])
    out += ["### Other sections", ""]
    rest = sorted((KNOWN_SECTIONS - set(ENGINE_KEYS)) | {"secrets"})
    out += _table([[f"`{s}`", SECTION_MEANINGS.get(s, "site values (`${" + s + ".KEY}`)")]
                   for s in rest], ["section", "meaning"])
    return out


def screen_part() -> list[str]:
    from maintui.core.site.meanings import MEANINGS
    from maintui.core.site.schema import field_docs, screen_models

    out = ["## Screen files (`screens/NAME.toml`)", ""]
    for label, (model, header) in screen_models().items():
        out += [f"### {header}", ""]
        out += _table(_field_rows(field_docs(model, MEANINGS.get(label))),
                      ["key", "type", "default", "example", "meaning"])
    return out


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
    return "\n".join([HEADER, *config_part(), *screen_part(), *actions_part()]).rstrip() + "\n"
