"""Help for whoever writes screen files: `maintui actions NAME` says what each parameter means,
`maintui schema` describes the files, `validate` points at file:line:column, and
docs/reference.md is what the models say."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from maintui.cli import main
from maintui.cli.commands_schema import reference
from maintui.core.actions import all_actions
from maintui.core.site.config import ENGINE_KEYS
from maintui.core.site.meanings import CONFIG_MEANINGS, MEANINGS
from maintui.core.site.paths import starter_site
from maintui.core.site.schema import field_docs, screen_models

REFERENCE = Path(__file__).parents[2] / "docs" / "reference.md"


def test_actions_name_prints_each_parameters_meaning_type_default_and_example(capsys):
    assert main(["actions", "sqlite.retention"]) == 0
    out = capsys.readouterr().out
    assert "    days                   float              required" in out
    assert "e.g. days = 90" in out  # the value a bundled screen gives it
    assert "    format " in out and 'default "auto"' in out


@pytest.mark.parametrize("name", sorted(all_actions()))
def test_every_action_parameter_has_a_meaning_and_an_example(name):
    docs = field_docs(all_actions()[name].Params)
    assert [d.name for d in docs if not d.meaning] == [], f"{name}: add a Field description"
    assert all(d.example for d in docs)


def test_every_screen_and_config_key_has_a_meaning():
    for label, (model, _) in screen_models().items():
        missing = [d.name for d in field_docs(model, MEANINGS.get(label)) if not d.meaning]
        assert missing == [], f"{label}: add a meaning in core/site/meanings.py"
    keys = [f"{s}.{k}" for s, table in ENGINE_KEYS.items() for k in table]
    assert [k for k in keys if k not in CONFIG_MEANINGS] == []


def test_schema_prints_json_schemas_that_accept_the_bundled_site(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    assert main(["schema", "screen"]) == 0
    screen = json.loads(capsys.readouterr().out)
    assert main(["schema", "config"]) == 0
    config = json.loads(capsys.readouterr().out)
    for path in sorted((starter_site() / "screens").glob("*.toml")):
        jsonschema.validate(tomllib.loads(path.read_text()), screen)
    jsonschema.validate(tomllib.loads((starter_site() / "config.toml").read_text()), config)
    bad = {"title": "x", "steps": [{"id": "a", "title": "A", "run": "true", "risk": "huge"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, screen)
    step = screen["$defs"]["Step"]["properties"]
    assert step["timeout"]["description"] and {"type": "string"} in step["timeout"]["anyOf"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"notify": {"retries": "two"}}, config)


def test_validate_reports_every_problem_once_with_file_line_and_column(site, capsys):
    path = site.screen("bad", """\
        title = "Bad"
        kindd = "session"

        [[steps]]
        id = "one"
        title = "One"
        run = "true"
        risk = "huge"

        [[steps]]
        id = "two"
        title = "Two"
        action = "http.check"
        with = { url = "ftp://x", timout = 3 }
        after = ["three"]
        """)
    assert site.cli("validate") == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "5 problem(s) in 1 file(s)"
    problems = err[:-1]
    assert len(problems) == len(set(problems)) == 5
    assert f"{path}:2:1: kindd: unknown key; did you mean 'kind'?" in problems
    spots = {line.split(": ", 1)[0].removeprefix(f"{path}:") for line in problems}
    assert spots == {"2:1", "8:1", "14:10", "14:27", "15:1"}


def test_the_reference_page_is_what_the_models_say():
    fix = "docs/reference.md is stale: run `maintui reference > docs/reference.md`"
    assert REFERENCE.read_text() == reference(), fix


def test_the_reference_names_every_key_and_every_action():
    text = reference()
    for section, keys in ENGINE_KEYS.items():
        assert f"### [{section}]" in text and all(f"`{k}`" in text for k in keys)
    for name in all_actions():
        assert f"### {name}\n" in text
    assert "| `only_if`" in text or "| `after`" in text


def test_validate_names_config_problems_by_file_line_and_column_all_at_once(site, capsys):
    site.add_config('[notify]\nto = "webhook"\nretries = "two"\n'
                    '[thresholds]\ndisk = { warning = "a", critical = 9 }\n')
    lines = site.config.read_text().splitlines()
    row = lines.index('retries = "two"') + 1
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert (f"{site.config}:{row}:1: notify.retries: expected a whole number, got 'two'; "
            "e.g. retries = 2") in err
    assert f"{site.config}:{row + 2}:10: thresholds.disk.warning: " in err


def test_the_screen_schema_knows_each_actions_parameters(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    assert main(["schema", "screen"]) == 0
    screen = json.loads(capsys.readouterr().out)

    def step(**with_: object) -> dict:
        return {"title": "x", "steps": [{"id": "a", "title": "A", "action": "sqlite.retention",
                                         "with": with_}]}

    good = {"db": "${app.db}", "table": "log_entries", "column": "ts", "days": "${vars.days}",
            "where": "level = 'debug'"}
    jsonschema.validate(step(**good), screen)  # a template stands for any value
    with pytest.raises(jsonschema.ValidationError, match="'wher' was unexpected"):
        jsonschema.validate(step(**good, wher="x"), screen)
    with pytest.raises(jsonschema.ValidationError, match="'days' is a required property"):
        jsonschema.validate(step(db="x", table="t", column="c"), screen)
    rules = {r["if"]["properties"]["action"]["const"]: r["then"]["properties"]["with"]
             for r in screen["$defs"]["Step"]["allOf"]}
    assert set(rules) == set(all_actions())
    assert "SQL condition" in rules["sqlite.retention"]["properties"]["where"]["description"]
