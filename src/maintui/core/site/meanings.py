"""What each key of config.toml and the screen files means, where its model does not say."""

from __future__ import annotations

# Meanings of the keys whose model field carries neither a description nor a `# comment`.
# tests/cli/test_schema.py fails when a model gains a key that has no meaning anywhere
# (core/site/schema.py reads the model's Field descriptions and `# comments` first).
MEANINGS: dict[str, dict[str, str]] = {
    "screen": {
        "title": "the screen's name as the console shows it",
        "kind": "`session` (a guided procedure), `triage` (its checks and quick actions make the "
                "incident console) or `recovery` (a procedure the console's recovery key starts); "
                "with several of a kind the console asks which",
        "schedule": "daily, weekly, monthly, quarterly or a 5-field cron expression: when it "
                    "is due",
        "window": "the maintenance window it must run in, e.g. \"Sun 02:00-04:00\"; outside "
                  "it a run asks why, and an unattended one (`--yes`, cron) exits 3 naming the "
                  "next window unless `--outside-window` (docs/steps.md)",
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
        "class": "the change class: preventive, corrective, adaptive or perfective; "
                 "[classes.NAME] in config.toml sets its gate policy (docs/classes.md)",
        "tags": "free labels for filtering (--only tag:NAME), shown where the operator decides",
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
    "reports.dir": "one more folder of reports the Reports view lists",
    "reports.dirs": "more folders of reports the Reports view lists",
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
    "vars": "the site's own settings, with sub-tables: `[vars.api] url = …` is ${vars.api.url}",
    "app": "the starter site's application values its bundled screens read (${app.db})",
    "backup": "the starter site's backup values (${backup.max_age_hours})",
    "update": "the starter site's staged-update values (${update.archive_file})",
    "env": "environment variables set for every step: `LANG = \"C.UTF-8\"` (a step's `env` "
           "wins; docs/steps.md)",
    "secrets": "a list of variable or key names whose values are masked (top-level key)",
    "classes": "policy per change class: `[classes.corrective]` with friction, window, "
               "approver, ticket (docs/classes.md)",
    "keys": "the console's key bindings: `preset` and binding id = keys (`maintui keys`)",
    "log_formats": "the site's own log formats, `[log_formats.NAME]`, tried before the known "
                   "ones (docs/logs.md)",
}
# the names every run defines (model.BUILTIN_VARS, their variables model.CONTEXT_ENV)
BUILTIN_MEANINGS: dict[str, str] = {
    "run.id": "the run's number in the run log (`DRY-RUN` in a dry run)",
    "run.dir": "this run's private scratch folder (under the state folder)",
    "site.root": "the site folder: the folder holding config.toml; steps run there by default",
    "screen.name": "the screen's name (its file name without `.toml`)",
    "state.dir": "the folder of the run log and maintui's small state files",
    "incident.id": "the incident the run belongs to (`run --incident ID`); unset otherwise",
}
# What else a step's command sees and may print: (template, variable or line, meaning).
STEP_CONVENTIONS: list[tuple[str, str, str]] = [
    ("", "MAINTUI_STEP", "the id of the step running (`health.disk` for an included step)"),
    ("${env.NAME}", "", "NAME from maintui's own environment (`PATH = \"/opt/x/bin:${env.PATH}\"`)"),
    ("${vars.KEY}", "", "the site's own settings from `[vars]` (sub-tables: `${vars.api.url}`)"),
    ("${steps.ID.KEY}", "MAINTUI_OUTPUT",
     "a value step ID wrote as a `KEY=VALUE` line to the file in `$MAINTUI_OUTPUT`"),
    ("", "`::warning::TEXT`", "a line a script prints: a warning finding (`::error::` critical, "
     "`::notice::` info; `::warning title=T,file=F::TEXT`); docs/findings.md"),
]
# examples of action parameters no bundled screen gives a value (else the reference would show
# a bare "…"): action -> parameter -> value, as a screen's `with` would give it
PARAM_EXAMPLES: dict[str, dict[str, object]] = {
    "backups.restore": {"backup": "${paths.backups}/app-20260105-031500.db.gz"},
    "backups.restore_test": {"backup": "${paths.backups}/app-20260105-031500.db.gz"},
    "logs.rotate": {"archive_dir": "${paths.logs}/archive"},
    "logs.scan": {"patterns": {"oom": "Out of memory"}},
    "maintenance.mode": {"state_dir": "state"},
    "maintenance.notice": {"state_dir": "/var/www/status"},
    "process.check": {"pattern": "gunicorn: master \\[app\\]"},
    "report.write": {"dir": "${paths.reports}"},
    "resources.check": {"thresholds": {"disk": {"warning": 70, "critical": 85}},
                        "mounts": ["/", "/var"]},
    "security.cert": {"host": "app.example.com:443"},
    "security.env_secrets": {"env_file": "${app.dir}/.env"},
    "security.pip_audit": {"requirements": "${app.dir}/requirements.txt"},
    "sqlite.backup": {"prefix": "app"},
    "sqlite.stats": {"tables": ["events", "alerts"]},
    "update.apply": {"checksum": "${paths.staging}/app.tar.gz.sha256"},
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
            "subject": '"maintui: weekly maintenance"', "include": '"health"',
            "after_any": '["check"]', "only_if": '"test ${steps.usage.USED} -ge 85"',
            "requires": '{ disk_free = "5G", maintenance = true }',
            "notify": '{ on = ["failure"], to = "command", command = "logger -t maintui" }'}
