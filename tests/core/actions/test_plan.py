"""Every action's plan reads only: the whole sandbox is byte-identical before and after."""

from __future__ import annotations

import pytest

from maintui.core.actions import all_actions
from maintui.core.run.plan import plan_screen
from maintui.core.site.screenfile import load_screens
from tests.core.conftest import tree_digest


def params(sandbox) -> dict[str, dict]:
    root, db = sandbox.root, str(sandbox.db)
    return {
        "resources.check": {}, "process.check": {"name": "demoapp"},
        "http.check": {"url": sandbox.config.lookup("app.health_url")},
        "sqlite.backup": {"db": db, "dest": str(root / "backups"), "gzip": True},
        "sqlite.integrity": {"db": db}, "sqlite.stats": {"db": db},
        "sqlite.count": {"db": db, "table": "alerts", "column": "created_at"},
        "sqlite.optimize": {"db": db, "operations": ["analyze", "vacuum", "reindex", "optimize"]},
        "sqlite.retention": {"db": db, "table": "events", "column": "timestamp", "days": 90},
        "logs.scan": {"logs": ["app"]}, "logs.rotate": {"dir": str(root / "logs")},
        "backups.verify": {"dir": str(root / "backups")},
        "backups.restore_test": {"dir": str(root / "backups")},
        "backups.archive": {"source": str(root / "app"), "dest": str(root / "backups"), "keep": 1},
        "backups.restore": {"db": db, "dir": str(root / "backups"), "require_verified": False},
        "files.cleanup": {"dir": str(root / "tmp"), "trash": str(root / "trash")},
        "security.permissions": {"path": str(root / "app")},
        "security.cert": {"file": str(root / "certs/app.pem")},
        "security.env_secrets": {}, "security.pip_audit": {},
        "security.checksums": {"paths": [str(root / "app")]},
        "capacity.forecast": {"metric": f"file:{db}"},
        "metric.check": {"database": db, "query": "SELECT count(*) FROM alerts", "warning": 10,
                         "critical": 100},
        "maintenance.mode": {"state": "on", "flag_file": str(root / "app/MAINTENANCE")},
        "maintenance.notice": {"start": "now", "end": "+1h", "file": str(root / "notice.txt")},
        "update.apply": {"archive": str(root / "staging/app-2.0.0.tar.gz"),
                         "target": str(root / "app"), "db": db, "verify": "sh healthcheck.sh"},
        "report.write": {"screen": "daily"},
        "ansible.playbook": {"playbook": "screens/fleet-playbook.yml", "hosts": "db",
                             "vars": {"marker_dir": str(root / "tmp")}},
        "notify.send": {"message": "maintenance starts", "to": "command", "command": "cat"},
    }


def test_every_action_is_covered_by_this_test(sandbox):
    assert set(params(sandbox)) == set(all_actions())


@pytest.mark.parametrize("name", sorted(all_actions()))
def test_plan_touches_nothing(sandbox, name):
    before = tree_digest(sandbox.root)
    lines = sandbox.plan(name, **params(sandbox)[name])
    assert lines and all(isinstance(line, str) for line in lines)
    assert tree_digest(sandbox.root) == before


def test_dry_run_of_every_bundled_screen_computes_every_plan(sandbox):
    before = tree_digest(sandbox.root)
    for screen in load_screens(sandbox.config):
        for item in plan_screen(sandbox.config, screen):
            assert not any("plan unavailable" in c for c in item.plan), (screen.name, item)
    assert tree_digest(sandbox.root) == before
