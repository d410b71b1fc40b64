"""Secret masking, applied before anything is stored or shown."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIAL", re.I)
MASK = "********"
MIN_SECRET_LEN = 4  # shorter values would mask ordinary words everywhere


def secret_values(env: Mapping[str, str], config_data: Mapping | None = None) -> list[str]:
    """Values of variables and config keys whose names look secret."""
    found = [v for k, v in env.items() if SECRET_NAME.search(k) and len(v) >= MIN_SECRET_LEN]

    def walk(node: Mapping) -> None:
        for key, value in node.items():
            if isinstance(value, Mapping):
                walk(value)
            elif (isinstance(value, str) and SECRET_NAME.search(str(key))
                  and len(value) >= MIN_SECRET_LEN):
                found.append(value)

    if config_data:
        walk(config_data)
    return found


class Masker:
    """Replaces known secret values and configured patterns by a fixed mask."""

    def __init__(self, values: Iterable[str] = (), patterns: Iterable[str] = ()) -> None:
        alts = [re.escape(v) for v in sorted(set(values), key=len, reverse=True)]
        # each configured pattern on its own: one with global flags, like `(?i)…`, cannot
        # be placed inside an alternation
        self._res = ([re.compile("|".join(alts))] if alts else []) + [re.compile(p) for p in patterns]
        self._re = self._res[0] if len(self._res) == 1 else None

    @classmethod
    def for_site(cls, config_data: Mapping | None, patterns: Iterable[str] = (),
                 env: Mapping[str, str] | None = None) -> Masker:
        env = os.environ if env is None else env
        return cls(secret_values(env, config_data), patterns)

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
