"""Secret masking, applied before anything is stored or shown.

A secret is masked in the forms a step is likely to print it in, as the GitHub Actions runner
does: as given, each line of a multi-line value (a PEM key) on its own, base64 (standard and
URL-safe, at all three byte alignments, so a secret inside a longer encoded blob is found), URL
encoding, JSON string escaping, shell quoting and hex.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL", re.I)
MASK = "********"
MIN_SECRET_LEN = 6  # shorter values would mask ordinary words everywhere
# values that are never a secret, whatever their key is called: masking them would blank
# ordinary output, and a "secret" that is `true` protects nothing
COMMON_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "enabled",
                           "disabled", "changeme"})


def is_secret_name(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a variable or config key of this name holds a secret (`*PASSWORD*`, `*TOKEN*`,
    `*SECRET*`, `*KEY*`, `*CREDENTIAL*`, or a name the site lists in `secrets`)."""
    return bool(SECRET_NAME.search(name)) or name in set(extra)


def usable(value: str) -> bool:
    """A value long and uncommon enough to be masked without blanking ordinary words."""
    return len(value.strip()) >= MIN_SECRET_LEN and value.strip().lower() not in COMMON_VALUES


def secret_values(env: Mapping[str, str], config_data: Mapping | None = None,
                  names: Iterable[str] = ()) -> list[str]:
    """Values of variables and config keys whose names look secret (or are listed in `names`)."""
    names = set(names)
    found = [v for k, v in env.items() if is_secret_name(k, names) and isinstance(v, str)]

    def walk(node: Mapping, path: str) -> None:
        for key, value in node.items():
            dotted = f"{path}.{key}" if path else str(key)
            if isinstance(value, Mapping):
                walk(value, dotted)
            elif isinstance(value, str) and (is_secret_name(str(key), names) or dotted in names):
                found.append(value)

    if config_data:
        walk(config_data, "")
    return [v for v in found if usable(v)]


def _base64_forms(raw: bytes) -> list[str]:
    """The part of the base64 text that encodes `raw` alone, at each of the three alignments."""
    forms = []
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * shift + raw).decode()
            start = -(-8 * shift // 6)             # first character free of the prefix's bits
            end = (8 * (shift + len(raw))) // 6    # last character made of the secret's bits only
            forms.append(text[start:end])
    return forms


def encoded_forms(value: str) -> set[str]:
    """Every form of `value` that is masked; short forms (they would blank words) are left out."""
    parts = [value] + [line.strip() for line in value.splitlines()]
    forms: set[str] = set()
    for part in parts:
        if not usable(part):
            continue
        raw = part.encode()
        forms.update({part, quote(part, safe=""), quote_plus(part), json.dumps(part)[1:-1],
                      shlex.quote(part), raw.hex(), raw.hex().upper(), *_base64_forms(raw)})
    return {f for f in forms if len(f) >= MIN_SECRET_LEN}


class Masker:
    """Replaces known secret values (in every encoded form) and configured patterns by a mask."""

    def __init__(self, values: Iterable[str] = (), patterns: Iterable[str] = ()) -> None:
        self._forms: set[str] = set()
        self._patterns = [re.compile(p) for p in patterns]
        self.add(values)

    def add(self, values: Iterable[str]) -> None:
        """Mask these values too from now on (a secret a step wrote for later steps)."""
        new = set().union(*(encoded_forms(v) for v in values if usable(v))) - self._forms
        if not new and hasattr(self, "_res"):
            return
        self._forms |= new
        alts = [re.escape(v) for v in sorted(self._forms, key=len, reverse=True)]
        # each configured pattern on its own: one with global flags, like `(?i)…`, cannot
        # be placed inside an alternation
        self._res = ([re.compile("|".join(alts))] if alts else []) + self._patterns
        self._re = self._res[0] if len(self._res) == 1 else None

    @classmethod
    def for_site(cls, config_data: Mapping | None, patterns: Iterable[str] = (),
                 env: Mapping[str, str] | None = None, names: Iterable[str] = (),
                 values: Iterable[str] = ()) -> Masker:
        """The site's masker: secret-named variables and keys, `secrets` names, extra values."""
        env = os.environ if env is None else env
        return cls([*secret_values(env, config_data, names), *(v for v in values if usable(v))],
                   patterns)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        for rx in self._res:
            text = rx.sub(MASK, text)
        return text

    def lines(self, lines: list[str]) -> list[str]:
        if not self._res:
            return lines
        if self._re is not None:
            sub = self._re.sub
            return [sub(MASK, line) for line in lines]
        return [self(line) for line in lines]
