"""The `survey` command line: a Flask CLI group, so `survey db upgrade` and `survey run` work too."""
from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import FlaskGroup

# Command modules, each exposing `commands` (a list of click commands or groups).
MODULES = ("units", "instruments", "agencies", "devices", "users", "demo", "backup", "index_tables", "reports",
           "responses", "privacy", "weights", "frame", "campaigns", "jobs",
           "schedule", "alerts", "lists", "quality", "targets", "partitions")


def register(app: Flask) -> None:
    """Attach every command module that exists in this build."""
    for name in MODULES:
        try:
            module = importlib.import_module(f"survey.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"survey.cli.{name}":
                raise
            continue
        for command in module.commands:
            app.cli.add_command(command)


def _create_app() -> Flask:
    """The app, or a one-line message and exit status 2 when it must not start (no traceback)."""
    import sys

    from survey.app import create_app
    from survey.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


# The app's commands and their help, so `survey --help` lists them without building the app, which imports every
# area and service (seconds). tests/deploy/test_cli_lazy.py checks this table against the app's own commands.
SUMMARY = {
    "agencies": "Agencies keyed by their electronic identifier (e.g. 000.21.22.H49).",
    "alerts": "Alerts on low ratings, silent kiosks and flagged comments: rules, evaluation, acknowledgement.",
    "backup": "Write one snapshot of every table to FILE (a zip of JSON lines with a manifest), then check the file.",
    "campaigns": "Probability-sample surveys the Ministry's way, with design-based estimates.",
    "db": "Perform database migrations.",
    "demo": "Create agencies, service points, N responses over 12 months and a finished sample-survey campaign.",
    "devices": "Kiosk and tablet devices bound to a service point.",
    "export": "Export index tables or anonymised raw responses as CSV or XLSX (small cells suppressed).",
    "frame": "Villages and residential groups with their adult population, per commune.",
    "indices": "Indices, intervals and rankings per unit, agency, channel or profile group.",
    "instruments": "Instruments (questionnaires) and their versions.",
    "jobs": "Long work as jobs: start one, list them, purge expired results.",
    "official": "The Ministry's published SIPAS figures (each with its source), shown beside campaign estimates.",
    "partitions": "Make the tallies' monthly partitions (PostgreSQL) up to --ahead months from now; nothing on SQLite.",
    "privacy": "Respondents' privacy: retention and deletion.",
    "quality": "Quality flags: scan stored responses, thresholds, opening hours.",
    "report": "Write PDF reports: one unit's summary, the provincial report, or (--all) both for a whole province.",
    "responses": "Responses: import paper questionnaires.",
    "restore": "Load FILE into this empty database (run `survey db upgrade` on a new database first).",
    "schedule": "Scheduled reports: subscriptions and sending what is due.",
    "service-points": "Service points: centres and counters where citizens are served.",
    "targets": "Targets per commune, province or agency and year.",
    "tokens": "API tokens for integrations.",
    "units": "Geographic units: provinces, communes, legacy districts.",
    "users": "Staff accounts.",
    "weights": "Population margins for the optional weighted figures (unweighted figures stay the published ones).",
    "worker": "Run jobs from Redis (SURVEY_REDIS_URL); start one or more beside the web workers.",
}


class LazyFlaskGroup(FlaskGroup):
    """FlaskGroup whose command list comes from SUMMARY; the app is built only when a command of its runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(set(click.Group.list_commands(self, ctx)) | set(SUMMARY))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            own = click.Group.get_command(self, ctx, name)  # run, shell, routes and plugins: no app needed
            if own is not None:
                if not own.hidden:
                    rows.append((name, own.get_short_help_str(limit)))
            else:
                rows.append((name, click.Command(name, help=SUMMARY[name]).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyFlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Citizen satisfaction survey platform (SIPAS-style) — management commands."""
