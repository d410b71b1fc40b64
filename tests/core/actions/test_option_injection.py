"""A parameter value that starts with `-` never reaches a program as an option."""

from __future__ import annotations

import json
import shutil


def test_pip_audit_requirements_starting_with_a_dash_stays_a_file_name(sandbox, tmp_path,
                                                                       monkeypatch):
    seen = tmp_path / "argv.json"
    fake = tmp_path / "pip-audit"
    fake.write_text(f"#!/usr/bin/env python3\nimport json, sys\n"
                    f"json.dump(sys.argv[1:], open({str(seen)!r}, 'w'))\n"
                    "print(json.dumps({'dependencies': []}))\n")
    fake.chmod(0o700)
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: str(fake) if name == "pip-audit"
                        else real_which(name, *a, **k))
    sandbox.run("security.pip_audit", requirements="--index-url=evil")
    argv = json.loads(seen.read_text())
    assert "--index-url=evil" not in argv, argv
    assert argv[-2:] == ["-r", "./--index-url=evil"], argv
