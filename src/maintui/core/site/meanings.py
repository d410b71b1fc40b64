"""What each key of config.toml and the screen files means, where its model does not say."""

from __future__ import annotations

# Meanings of the keys whose model field carries neither a description nor a `# comment`.
# tests/cli/test_schema.py fails when a model gains a key that has no meaning anywhere
# (core/site/schema.py reads the model's Field descriptions and `# comments` first).
MEANINGS: dict[str, dict[str, str]] = {
    "screen": {
        "title": "the screen's name as the console shows it",
        "kind": "`session` (a guided procedure) or `triage` (the incident console)",
        "schedule": "daily, weekly, monthly, quarterly or a 5-field cron expression: when it "
                    "is due",
        "window": "the maintenance window it must run in, e.g. \"Sun 02:00-04:00\"",
        "description": "what the screen is for, shown beside its title",
        "panels": "the gauges, logs and reports shown beside the steps",
        "concurrency": "how many independent steps may run at once (1-16)",
        "steps": "the steps, one `[[steps]]` table each",
        "notify": "send a message when a run starts, ends or fails (docs/notify.md)",
    },
    "notify": {
        "on": "when: start, finish (every end) and/or failure (an end other than succeeded)",
    },
    "panels": {
        "gauges": "the gauges shown: cpu, memory, load, swap, disk:/PATH",
        "logs": "names from [logs] in config.toml to follow",
        "reports": "report names shown in the panel",
    },
    "step": {
        "id": "unique name within the screen (lowercase, digits, - and _); used by `after`",
        "title": "one line said in the queue and the report",
        "description": "what the step does and why, shown in the step's detail",
        "action": "a built-in action (`maintui actions`); its parameters go in `with`",
        "with": "the action's parameters (`maintui actions NAME`)",
        "run": "a shell command, run by `shell` (default /bin/sh)",
        "argv": "a command as a list, run without a shell",
        "manual": "a checklist item the operator confirms by hand",
        "after": "ids of steps that must have succeeded first",
        "risk": "safe, normal, destructive or critical: how much friction before it runs",
        "on_failure": "stop the run, continue with the next steps, or roll back what was done",
        "rollback": "a command that undoes this step (a string or a list)",
        "verify": "a command that must exit 0 after the step for it to count as done",
        "timeout": "seconds or a duration (\"5m\") after which the step's processes are killed",
        "retries": "attempts after a failure (0-20)",
        "retry_delay": "seconds or a duration between attempts",
        "confirm": "ask before running (default: every risk but safe asks)",
        "env": "environment variables added for the step, over config.toml's [env]",
        "cwd": "the folder the step runs in; relative to the site folder, which is the default",
        "shell": "the interpreter of `run`, `verify` and `rollback` strings, given the text "
                 "after -c (default: [site] shell, else /bin/sh)",
        "impact": "what users notice while it runs (shown where the operator decides)",
        "estimate": "expected duration, seconds or a duration",
        "class": "the change class: preventive, corrective, adaptive or perfective",
        "tags": "free labels for filtering and reports",
        "requires": "preconditions checked before the step runs",
        "hosts": "an inventory pattern: run the step on those hosts (docs/fleet.md)",
        "serial": "hosts per batch: a count or a percentage like \"25%\"",
        "max_fail_percentage": "share of failed hosts (0-100) that stops the step",
        "on_output_cap": "when output passes the cap: keep_going or stop the step",
    },
    "requires": {
        "disk_path": "the filesystem `disk_free` is measured on",
    },
}
CONFIG_MEANINGS: dict[str, str] = {
    "site.name": "the site's name, shown in the title bar and reports",
    "site.production": "a production site: more friction before risky steps",
    "site.screens": "the folder of screen files (relative to config.toml)",
    "site.styles": "the folder of extra stylesheets",
    "site.shell": "the interpreter of every step's shell strings (default /bin/sh; a step's "
                  "`shell` wins)",
    "store.path": "the run log's SQLite file (relative to config.toml)",
    "masking.patterns": "regular expressions whose matches are masked everywhere",
    "fleet.inventory": "the Ansible inventory for steps with `hosts`",
    "fleet.forks": "hosts worked on at once",
    "fleet.timeout": "connection timeout in seconds",
    "fleet.become": "run on the hosts with privilege escalation",
    "fleet.private_data_dir": "Ansible's working folder",
    "output.cap": "recorded output kept per step (first and last parts), e.g. 50M",
    "output.on_cap": "past the cap: keep_going or stop the step",
    "notify.to": "where notify.send goes: command, webhook or smtp",
    "notify.command": "shell command reading the message on stdin",
    "notify.url": "webhook address (the message is POSTed as JSON)",
    "notify.timeout": "seconds each attempt may take",
    "notify.retries": "attempts after the first failure",
    "notify.backoff": "seconds before the first retry, doubled each time",
    "notify.subject": "mail subject / webhook `subject` field",
    "notify.smtp_host": "mail server",
    "notify.smtp_port": "mail server port",
    "notify.mail_from": "sender address",
    "notify.mail_to": "recipient addresses",
    "notify.starttls": "upgrade the SMTP connection with STARTTLS",
    "notify.smtp_user": "SMTP login name",
    "notify.auth_env": "name of the environment variable holding the SMTP password",
}
SECTION_MEANINGS: dict[str, str] = {
    "thresholds": "warning and critical levels per gauge: `disk = { warning = 80, critical = "
                  "90 }`",
    "logs": "named log files: `app = \"/var/log/app.log\"` (paths relative to config.toml)",
    "paths": "named folders and files the screens use as ${paths.NAME}",
    "vars": "the site's own values, used as ${vars.NAME}",
    "env": "environment variables set for every step: `LANG = \"C.UTF-8\"` (a step's `env` "
           "wins; docs/steps.md)",
    "secrets": "a list of variable or key names whose values are masked (top-level key)",
}
# examples for screen keys whose type says little (the action parameters carry their own)
EXAMPLES = {"id": '"backup-db"', "title": '"Back up the database"', "action": '"sqlite.backup"',
            "with": '{ db = "${paths.db}" }', "run": '"systemctl restart app"',
            "argv": '["systemctl", "restart", "app"]', "after": '["backup-db"]',
            "timeout": '"5m"', "estimate": '"2m"', "env": '{ LANG = "C" }',
            "hosts": '"web"', "output_cap": '"50M"', "schedule": '"weekly"',
            "window": '"Sun 02:00-04:00"', "disk_free": '"5G"', "memory_available": '"512M"',
            "gauges": '["cpu", "disk:/var"]', "logs": '["app"]', "reports": '["weekly"]',
            "description": '"Copies the database before the update"', "tags": '["database"]',
            "rollback": '"mv app.bak app"', "verify": '"systemctl is-active app"',
            "cwd": '"/srv/app"', "shell": '"bash"', "impact": '"the app is read-only for a minute"',
            "steps": '[{ id = "hi", title = "Say hi", run = "echo hi" }]',
            "on": '["failure", "finish"]', "command": '"logger -t maintui"',
            "url": '"https://hooks.example.com/T0/B0"', "mail_to": '["ops@example.com"]',
            "subject": '"maintui: weekly maintenance"'}
