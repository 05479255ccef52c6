"""The `survey` command line: a Flask CLI group, so `survey db upgrade` and `survey run` work too."""
from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import FlaskGroup

# Command modules, each exposing `commands` (a list of click commands or groups).
MODULES = ("units", "instruments", "agencies", "devices", "users", "demo", "backup", "indices", "reports",
           "responses", "privacy", "weights", "frame", "campaigns", "quality", "targets")


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
    from survey.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Citizen satisfaction survey platform (SIPAS-style) — management commands."""
