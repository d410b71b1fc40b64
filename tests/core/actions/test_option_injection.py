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


def test_pip_audit_is_found_on_the_steps_path_as_a_sites_venv_puts_it(sandbox, tmp_path):
    """A site's [env] puts its venv's bin first on PATH; pip-audit there is the one used."""
    import os

    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "pip-audit"
    fake.write_text("#!/usr/bin/env python3\nimport json\n"
                    "print(json.dumps({'dependencies': [{'name': 'demo', 'version': '1.0',"
                    " 'vulns': [{'id': 'PYSEC-1', 'fix_versions': ['1.1']}]}]}))\n")
    fake.chmod(0o700)
    action, ctx = sandbox.ctx("security.pip_audit")
    ctx.env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    found = action.run(ctx).findings
    assert any("PYSEC-1" in json.dumps(f.details) or "demo" in f.summary for f in found), found
    action, ctx = sandbox.ctx("security.pip_audit")  # maintui's own PATH has none
    assert any("not installed" in f.summary for f in action.run(ctx).findings)
