"""The site config (config.toml): loading, path resolution, `${section.key}` lookup."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maintui.core.errors import ConfigError
from maintui.core.site.paths import find_config, user_state_dir

# Keys whose string values are paths, resolved against the config file's folder.
PATH_SECTIONS = {"paths", "logs", "reports"}
PATH_KEYS = {"path", "db", "dir", "file", "cert", "root"}
PATH_SUFFIXES = ("_path", "_dir", "_file", "_db", "_cert")

KNOWN_SECTIONS = {
    "site", "store", "thresholds", "logs", "paths", "app", "masking", "reports",
    "maintenance", "console", "services", "backup", "security", "update", "vars",
}

# The engine's own sections: every key known, with its type and an example for the message.
# (Other sections hold the site's values that screens use as ${section.key}: free-form.)
ENGINE_KEYS: dict[str, dict[str, tuple[type, str]]] = {
    "site": {"name": (str, '"web-1"'), "production": (bool, "true"),
             "screens": (str, '"screens"'), "styles": (str, '"styles"')},
    "store": {"path": (str, '"state/runlog.db"')},
    "masking": {"patterns": (list, "['(?i)bearer\\s+\\S+']")},
}
TYPE_NAMES = {str: "a string", bool: "true or false", list: "a list"}

DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "cpu": {"warning": 80, "critical": 95},
    "memory": {"warning": 80, "critical": 92},
    "swap": {"warning": 50, "critical": 80},
    "load": {"warning": 1.0, "critical": 2.0},  # per core
    "disk": {"warning": 80, "critical": 90},
}


@dataclass(frozen=True)
class Threshold:
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
        if "path" in store:
            return Path(store["path"])
        return user_state_dir() / "runlog.db"

    @property
    def state_dir(self) -> Path:
        """Folder for small shared state files (maintenance mode): beside the run log."""
        return self.store_path.parent

    @property
    def logs(self) -> dict[str, Path]:
        return {k: Path(v) for k, v in self.data.get("logs", {}).items()}

    @property
    def reports_dir(self) -> Path:
        paths = self.data.get("paths", {})
        if "reports" in paths:
            return Path(paths["reports"])
        return self.state_dir / "reports"

    @property
    def mask_patterns(self) -> list[str]:
        return list(self.data.get("masking", {}).get("patterns", []))

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
            return self.overrides[name]
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


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; every failure becomes a ConfigError naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except PermissionError:
        raise ConfigError(f"{path}: permission denied; check the file's owner and mode") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, expected a TOML file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_error(path, exc)) from None


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


def _check(path: Path, data: dict[str, Any]) -> None:
    import difflib

    problems = []
    for section, value in data.items():
        if section not in KNOWN_SECTIONS and isinstance(value, dict):
            hint = difflib.get_close_matches(section, KNOWN_SECTIONS, n=1)
            if hint:  # unknown sections are allowed (site variables) unless they look like typos
                problems.append(f"{path}: [{section}]: unknown section; did you mean [{hint[0]}]?")
    for section, keys in ENGINE_KEYS.items():
        problems += _check_engine_section(path, section, data.get(section, {}), keys)
    for gauge, spec in data.get("thresholds", {}).items():
        if not isinstance(spec, dict) or not {"warning", "critical"} <= set(spec):
            problems.append(
                f"{path}: thresholds.{gauge}: expected a table with warning and critical, "
                f"e.g. {gauge} = {{ warning = 80, critical = 95 }}"
            )
            continue
        for k in ("warning", "critical"):
            if not isinstance(spec[k], int | float) or isinstance(spec[k], bool):
                problems.append(f"{path}: thresholds.{gauge}.{k}: expected a number, got {spec[k]!r}")
    for name, value in data.get("logs", {}).items():
        if not isinstance(value, str):
            problems.append(f"{path}: logs.{name}: expected a file path string, got {value!r}")
    patterns = data.get("masking", {}).get("patterns", [])
    import re

    for i, pat in enumerate(patterns if isinstance(patterns, list) else []):
        try:
            re.compile(pat)
        except (re.error, TypeError) as exc:
            problems.append(f"{path}: masking.patterns[{i}]: not a valid regular expression ({exc})")
    if problems:
        raise ConfigError("\n".join(problems))


def load_config(explicit: str | Path | None = None, overrides: dict[str, str] | None = None) -> SiteConfig:
    """Find and load the site config; relative paths become absolute against its folder."""
    path, found_by = find_config(explicit)
    data = read_toml(path)
    _check(path, data)
    _resolve_paths(data, path.parent)
    return SiteConfig(path=path, data=data, found_by=found_by, overrides=dict(overrides or {}))
