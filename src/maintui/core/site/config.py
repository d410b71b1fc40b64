"""The site config (config.toml): loading, path resolution, `${section.key}` lookup."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from maintui.core.errors import ConfigError
from maintui.core.masking import Masker, is_secret_name, usable
from maintui.core.site.classes import check_classes
from maintui.core.site.paths import find_config, user_state_dir
from maintui.core.site.trust import read_trusted
from maintui.core.units import parse_size

if TYPE_CHECKING:  # loaded for a [log_formats] table only: not on the console's way to its first frame
    from maintui.core.logs.format import Format

# Keys whose string values are paths, resolved against the config file's folder.
PATH_SECTIONS = {"paths", "logs", "reports"}
PATH_KEYS = {"path", "db", "dir", "file", "cert", "root"}
PATH_SUFFIXES = ("_path", "_dir", "_file", "_db", "_cert")

# Every table config.toml may have; any other table or top-level key is an error naming the
# fix. `[vars]` (with sub-tables) holds the site's own values, read as ${vars.api.url}; `app`,
# `backup` and `update` are the starter site's value tables its bundled screens read (${app.db}).
VALUE_SECTIONS = {"vars", "app", "backup", "update"}
KNOWN_SECTIONS = {
    "site", "store", "thresholds", "logs", "paths", "masking", "reports", "fleet",
    "output", "notify", "log_formats", "keys", "env", "classes",
} | VALUE_SECTIONS
TOP_LEVEL_KEYS = {"secrets"}  # the only key outside a table
# the keys of tables whose keys are fixed but which are not in ENGINE_KEYS
THRESHOLD_KEYS = ("warning", "critical")
LOG_FORMAT_KEYS = ("regex", "title", "clock", "levels")

# The engine's own sections: every key known, with its type and an example for the message.
# ([vars] and the starter's value tables are free-form; logs, paths, env, thresholds,
# log_formats and keys are checked in _check.)
ENGINE_KEYS: dict[str, dict[str, tuple[type, str]]] = {
    "site": {"name": (str, '"web-1"'), "production": (bool, "true"),
             "screens": (str, '"screens"'), "styles": (str, '"styles"'),
             "shell": (str, '"bash"')},
    "store": {"path": (str, '"state/runlog.db"')},
    "masking": {"patterns": (list, "['(?i)bearer\\s+\\S+']")},
    # steps on hosts through Ansible (core/fleet/settings.py, docs/fleet.md)
    "fleet": {"inventory": (str, '"inventory.ini"'), "forks": (int, "10"),
              "timeout": (int, "10"), "become": (bool, "false"),
              "private_data_dir": (str, '"state/fleet"')},
    # what of a step's output is recorded (docs/security.md)
    "output": {"cap": (str, '"50M"'), "on_cap": (str, '"stop"')},
    # more folders the console's Reports view lists, beside paths.reports
    "reports": {"dir": (str, '"old-reports"'), "dirs": (list, '["archive", "reports"]')},
    # defaults of the notify.send action and of screens' [notify] (docs/notify.md)
    "notify": {"to": (str, '"webhook"'), "command": (str, '"logger -t maintui"'),
               "url": (str, '"https://hooks.example.com/T0/B0"'), "timeout": (int, "10"),
               "retries": (int, "2"), "backoff": (int, "1"), "subject": (str, '"maintui"'),
               "smtp_host": (str, '"mail.example.com"'), "smtp_port": (int, "587"),
               "mail_from": (str, '"maintui@example.com"'),
               "mail_to": (list, '["ops@example.com"]'), "starttls": (bool, "true"),
               "smtp_user": (str, '"ops"'), "auth_env": (str, '"SMTP_PASSWORD"')},
}
ON_CAP = ("keep_going", "stop")
DEFAULT_OUTPUT_CAP = "50M"
TYPE_NAMES = {str: "a string", bool: "true or false", list: "a list", int: "a whole number"}

DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "cpu": {"warning": 80, "critical": 95},
    "memory": {"warning": 80, "critical": 92},
    "swap": {"warning": 50, "critical": 80},
    "load": {"warning": 1.0, "critical": 2.0},  # per core
    "disk": {"warning": 80, "critical": 90},
}


class Threshold(NamedTuple):
    """A gauge's warning and critical levels (a tuple: made while the config loads)."""

    warning: float
    critical: float

    def level(self, value: float) -> str:
        if value >= self.critical:
            return "critical"
        if value >= self.warning:
            return "warning"
        return "ok"


@dataclass
class SiteConfig:
    """A loaded site: the config file, its folder and its resolved values."""

    path: Path
    data: dict[str, Any]
    found_by: str = "--config"
    overrides: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def screens_dir(self) -> Path:
        return self._resolve(self.data.get("site", {}).get("screens", "screens"))

    @property
    def styles_dir(self) -> Path:
        return self._resolve(self.data.get("site", {}).get("styles", "styles"))

    @property
    def name(self) -> str:
        return str(self.data.get("site", {}).get("name", "maintui"))

    @property
    def production(self) -> bool:
        return bool(self.data.get("site", {}).get("production", False))

    @property
    def store_path(self) -> Path:
        store = self.data.get("store", {})
        if "path" in store and self.found_by != "starter site":  # never inside the package
            return Path(store["path"])
        return user_state_dir() / "runlog.db"

    @property
    def state_dir(self) -> Path:
        """Folder for small shared state files (maintenance mode): beside the run log."""
        return self.store_path.parent

    @property
    def env(self) -> dict[str, str]:
        """`[env]`: variables set for every step, under the step's own `env` (docs/steps.md)."""
        return {str(k): str(v) for k, v in self.data.get("env", {}).items()}

    def var_value(self, name: str, value: str) -> str:
        """A `--var` value as the same key in config.toml would be read: a path key's relative
        path against the site folder, never against the folder maintui was started in."""
        section, _, key = name.partition(".")
        # as _resolve_paths: keys of a top-level table, not of its sub-tables
        if not key or "." in key or not value or "://" in value or not _is_path_key(section, key):
            return value
        return str(self._resolve(value))

    @property
    def logs(self) -> dict[str, Path]:
        return {k: Path(v) for k, v in self.data.get("logs", {}).items()}

    @property
    def keys(self) -> dict[str, str]:
        """`[keys]`: binding id → keys, and `preset`; the console checks the ids and keys."""
        return dict(self.data.get("keys", {}))

    @property
    def log_formats(self) -> list[Format]:
        """The site's own log formats (`[log_formats.NAME]`), tried before the known ones."""
        return _log_formats(self.data)

    @property
    def reports_dir(self) -> Path:
        paths = self.data.get("paths", {})
        if self.found_by == "starter site":  # its `reports` is inside the installed package
            return user_state_dir() / "reports"
        if "reports" in paths:
            return Path(paths["reports"])
        return self.state_dir / "reports"

    @property
    def mask_patterns(self) -> list[str]:
        return list(self.data.get("masking", {}).get("patterns", []))

    @property
    def secrets(self) -> list[str]:
        """Names the site declares secret (`secrets = [...]`), beside the usual name patterns."""
        listed = self.data.get("secrets", [])
        return [str(n) for n in listed] if isinstance(listed, list) else []

    def secret_overrides(self) -> dict[str, str]:
        """The `--var` values whose names are secret."""
        return {k: v for k, v in self.overrides.items() if is_secret_name(k, self.secrets)}

    def masker(self, values: list[str] | tuple[str, ...] = ()) -> Masker:
        """The site's masker: secret config keys and variables, `--var` secrets, extra values."""
        return Masker.for_site(self.data, self.mask_patterns, names=self.secrets,
                               values=[*self.secret_overrides().values(), *values])

    def output_limit(self, cap: str | None = None, on_cap: str | None = None) -> tuple[int, bool]:
        """(bytes of a step's output kept, whether passing them stops the step): the step's
        own `output_cap` / `on_output_cap`, else the site's [output], else 50M and keep going."""
        site = self.data.get("output", {})
        size = parse_size(cap or site.get("cap") or DEFAULT_OUTPUT_CAP)
        return int(size), (on_cap or site.get("on_cap") or "keep_going") == "stop"

    def threshold(self, gauge: str) -> Threshold:
        """Thresholds for a gauge; `disk:/var` falls back to `disk`."""
        table = self.data.get("thresholds", {})
        base = gauge.split(":", 1)[0]
        spec = table.get(gauge) or table.get(base) or DEFAULT_THRESHOLDS.get(base)
        spec = spec or {"warning": 80, "critical": 95}
        return Threshold(float(spec["warning"]), float(spec["critical"]))

    def lookup(self, name: str) -> Any:
        """Value of `section.key` (overrides from --var first); KeyError when undefined."""
        if name in self.overrides:
            return self.var_value(name, self.overrides[name])
        node: Any = self.data
        for part in name.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(name)
            node = node[part]
        if isinstance(node, dict | list):
            raise KeyError(name)
        return node

    def variables(self) -> list[str]:
        """Every `section.key` name a screen may refer to (for did-you-mean)."""
        names = list(self.overrides)

        def walk(prefix: str, node: Any) -> None:
            for key, value in node.items():
                full = f"{prefix}.{key}" if prefix else key
                if isinstance(value, dict):
                    walk(full, value)
                elif prefix:
                    names.append(full)

        walk("", self.data)
        return names

    def _resolve(self, value: str | Path) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else (self.root / p).resolve()


def _is_path_key(section: str, key: str) -> bool:
    return section in PATH_SECTIONS or key in PATH_KEYS or key.endswith(PATH_SUFFIXES)


def _resolve_paths(data: dict[str, Any], root: Path) -> None:
    for section, table in data.items():
        if not isinstance(table, dict):
            continue
        for key, value in table.items():
            if isinstance(value, str) and _is_path_key(section, key) and "://" not in value:
                p = Path(value).expanduser()
                table[key] = str(p if p.is_absolute() else (root / p).resolve())


def toml_error(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """`file:line:col: message` for a TOML syntax error (3.11 keeps them in the text)."""
    import re

    msg = str(exc)
    where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if where:
        return (f"{path}:{where.group(1)}:{where.group(2)}: TOML syntax error: "
                f"{msg[:where.start()]}")
    return f"{path}: TOML syntax error: {msg}"


def read_toml(path: Path, what: str = "config file") -> dict[str, Any]:
    """Parse a trusted TOML file (see site.trust); every failure is a ConfigError naming it."""
    data = read_trusted(path, what)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_error(path, exc)) from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a {what}; arrays and tables in "
                          "maintui's files are a few levels deep") from None


def _check_engine_section(path: Path, section: str, table: Any,
                          keys: dict[str, tuple[type, str]]) -> list[str]:
    """Unknown keys (with a did-you-mean) and wrong types in one of the engine's sections."""
    import difflib

    if not isinstance(table, dict):
        return [f"{path}: {section}: expected a table, e.g. [{section}]"]
    out = []
    for key, value in table.items():
        if key not in keys:
            hint = difflib.get_close_matches(key, keys, n=1)
            fix = f"did you mean {hint[0]!r}?" if hint else "known keys: " + ", ".join(keys)
            out.append(f"{path}: {section}.{key}: unknown key; {fix}")
            continue
        kind, example = keys[key]
        if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str)
                                                                    for v in value)):
            want = TYPE_NAMES[kind] + (" of strings" if kind is list else "")
            out.append(f"{path}: {section}.{key}: expected {want}, got {value!r}; "
                       f"e.g. {key} = {example}")
    return out


def _unknown_top(path: Path, name: str, value: Any) -> str:
    """An unknown table or top-level key: a typo of a known one, or a site value out of place."""
    import difflib

    hint = difflib.get_close_matches(name, KNOWN_SECTIONS | TOP_LEVEL_KEYS, n=1)
    typo = (f"did you mean [{hint[0]}]?" if hint and hint[0] in KNOWN_SECTIONS
            else f"did you mean {hint[0]!r}?" if hint else "")
    if isinstance(value, dict):
        if difflib.get_close_matches(name, KNOWN_SECTIONS, n=1, cutoff=0.8):
            # an obvious typo ([log] for [logs]): the fix alone, not the advice on [vars]
            return f"{path}: [{name}]: unknown section; {typo}"
        home = f"[vars.{name}] (read as ${{vars.{name}.KEY}})"
        return (f"{path}: [{name}]: unknown section; {typo + ' ' if typo else ''}"
                f"put site settings under [vars]: {home}")
    return (f"{path}: {name}: unknown top-level key; {typo + ' ' if typo else ''}put site "
            f"settings under [vars] ({name} = … there, read as ${{vars.{name}}})")


def _check_known_keys(path: Path, where: str, table: dict[str, Any],
                      keys: tuple[str, ...]) -> list[str]:
    import difflib

    out = []
    for key in table:
        if key not in keys:
            hint = difflib.get_close_matches(key, keys, n=1)
            fix = f"did you mean {hint[0]!r}?" if hint else "known keys: " + ", ".join(keys)
            out.append(f"{path}: {where}.{key}: unknown key; {fix}")
    return out


def _check_gauge(path: Path, gauge: str) -> list[str]:
    import difflib

    base, _, mount = gauge.partition(":")
    if base in DEFAULT_THRESHOLDS and (not mount or base == "disk"):
        return []
    hint = difflib.get_close_matches(base, DEFAULT_THRESHOLDS, n=1)
    fix = f"did you mean {hint[0]!r}?" if hint else "gauges: " + ", ".join(DEFAULT_THRESHOLDS)
    return [f"{path}: thresholds.{gauge}: unknown gauge; {fix} (a mount as \"disk:/var\")"]


def _check(path: Path, data: dict[str, Any]) -> None:
    problems = []
    for section, value in data.items():
        if section in TOP_LEVEL_KEYS:
            continue
        if section not in KNOWN_SECTIONS:
            problems.append(_unknown_top(path, section, value))
        elif not isinstance(value, dict):
            problems.append(f"{path}: {section}: expected a table, e.g. [{section}]")
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    for section, keys in ENGINE_KEYS.items():
        problems += _check_engine_section(path, section, tables.get(section, {}), keys)
    for gauge, spec in tables.get("thresholds", {}).items():
        problems += _check_gauge(path, gauge)
        if isinstance(spec, dict):
            problems += _check_known_keys(path, f"thresholds.{gauge}", spec, THRESHOLD_KEYS)
        if not isinstance(spec, dict) or not {"warning", "critical"} <= set(spec):
            problems.append(
                f"{path}: thresholds.{gauge}: expected a table with warning and critical, "
                f"e.g. {gauge} = {{ warning = 80, critical = 95 }}"
            )
            continue
        for k in ("warning", "critical"):
            if not isinstance(spec[k], int | float) or isinstance(spec[k], bool):
                problems.append(f"{path}: thresholds.{gauge}.{k}: expected a number, got {spec[k]!r}")
    for name, value in tables.get("logs", {}).items():
        if not isinstance(value, str):
            problems.append(f"{path}: logs.{name}: expected a file path string, got {value!r}")
    for name, spec in tables.get("log_formats", {}).items():
        if isinstance(spec, dict):
            problems += _check_known_keys(path, f"log_formats.{name}", spec, LOG_FORMAT_KEYS)
    for name, value in tables.get("env", {}).items():
        if not isinstance(value, str):
            problems.append(f"{path}: env.{name}: expected a string, got {value!r}; "
                            f'e.g. {name} = "C.UTF-8"')
    for name, value in tables.get("keys", {}).items():
        if not isinstance(value, str):
            problems.append(f"{path}: keys.{name}: expected keys as a string, got {value!r}; "
                            f'e.g. "{name}" = "j,down"')
    patterns = tables.get("masking", {}).get("patterns", [])
    import re

    for i, pat in enumerate(patterns if isinstance(patterns, list) else []):
        try:
            re.compile(pat)
        except (re.error, TypeError) as exc:
            problems.append(f"{path}: masking.patterns[{i}]: not a valid regular expression ({exc})")
    problems += _check_secrets(path, data)
    try:
        _log_formats(data)
    except ConfigError as exc:
        problems.append(f"{path}: {exc}")
    problems += _check_output(path, tables.get("output", {}))
    problems += check_classes(path, data.get("classes", {}))  # policy per change class
    if problems:
        raise ConfigError("\n".join(problems))


def _log_formats(data: dict[str, Any]) -> list[Format]:
    """`[log_formats.NAME]` tables as Formats; ConfigError naming the key when one is wrong."""
    table = data.get("log_formats", {})
    if not table or not isinstance(table, dict):
        return []
    from maintui.core.logs.format import Format

    out: list[Format] = []
    for name, spec in table.items():
        where = f"[log_formats.{name}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("regex"), str):
            raise ConfigError(f"{where}: expected a table with a regex, e.g. regex = "
                              "'^(?P<time>\\S+) (?P<level>\\w+) (?P<message>.*)$'")
        levels = spec.get("levels") or {}
        out.append(Format.from_config(name, spec["regex"], title=str(spec.get("title", "")),
                                      clock=str(spec.get("clock", "auto")),
                                      levels={str(k): str(v) for k, v in levels.items()},
                                      where=where))
    return out


def weak_secret(name: str, value: object, where: str, fix: str) -> str | None:
    """Why a secret-named value cannot be a secret (too short or common to mask), or None.

    Masking it would blank ordinary words, and storing it in clear would keep the secret: so it
    is refused. An empty value (not set) is allowed.
    """
    if not isinstance(value, str) or not value or usable(value):
        return None
    return (f"{where}: the value of {name} is too short or too common to be kept secret "
            f"(under 6 characters, or a word like 'true' or 'yes'); {fix}")


def _check_output(path: Path, table: Any) -> list[str]:
    if not isinstance(table, dict):
        return []
    out = []
    if isinstance(table.get("cap"), str):
        try:
            parse_size(table["cap"])
        except ValueError as exc:
            out.append(f"{path}: output.cap: {exc}")
    if isinstance(table.get("on_cap"), str) and table["on_cap"] not in ON_CAP:
        out.append(f"{path}: output.on_cap: expected one of {', '.join(ON_CAP)}, "
                   f"got {table['on_cap']!r}")
    return out


def _check_secrets(path: Path, data: dict[str, Any]) -> list[str]:
    listed = data.get("secrets", [])
    if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
        return [f"{path}: secrets: expected a list of strings (variable or key names), got "
                f"{listed!r}; e.g. secrets = [\"app.release\", \"DEPLOY_PASS\"]"]
    out = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(value, dotted)
            elif is_secret_name(str(key), listed) or dotted in listed:
                why = weak_secret(dotted, value, str(path),
                                  "use a real secret, or rename the key if it is not one")
                if why:
                    out.append(why)

    walk(data, "")
    return out


def check_overrides(overrides: dict[str, str], secrets: list[str]) -> None:
    """`--var` values with secret names that are too weak to be secrets: a ConfigError."""
    problems = [weak_secret(k, v, f"--var {k}", "pass the real secret")
                for k, v in overrides.items() if is_secret_name(k, secrets)]
    if any(problems):
        raise ConfigError("\n".join(p for p in problems if p))


def load_config(explicit: str | Path | None = None, overrides: dict[str, str] | None = None,
                *, check_secrets: bool = True) -> SiteConfig:
    """Find and load the site config; relative paths become absolute against its folder.
    `check_secrets=False`: the caller checks the `--var` values (check_overrides) itself, after
    it has checked that their keys name something (core/run/options.py check_vars)."""
    path, found_by = find_config(explicit)
    if found_by.startswith("$") and not path.exists():  # the operator may not know it is set
        raise ConfigError(f"{path}: file not found, named by {found_by}: fix or unset it, "
                          "or pass --config PATH")
    data = read_toml(path)
    _check(path, data)
    _resolve_paths(data, path.parent)
    config = SiteConfig(path=path, data=data, found_by=found_by, overrides=dict(overrides or {}))
    if check_secrets:
        check_overrides(config.overrides, config.secrets)
    return config
