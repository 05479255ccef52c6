"""`survey --help` lists every command without building the app; running one still builds it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from survey.app import create_app
from survey.cli import SUMMARY

ROOT = Path(__file__).resolve().parents[2]


def test_the_summary_table_matches_the_apps_commands():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    actual = {name: command.short_help or (command.help or "").split("\n\n")[0].strip()
              for name, command in app.cli.commands.items()}
    assert SUMMARY == actual  # a command added, renamed or re-described: update survey/cli SUMMARY


def test_help_lists_every_command_without_importing_the_app():
    code = ("import sys\nfrom survey.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('APP' if 'survey.app' in sys.modules else 'NO APP')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("NO APP")
    listed = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert listed >= set(SUMMARY) | {"run", "shell", "routes"}


def test_a_command_still_runs_with_the_app(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run([str(Path(sys.prefix) / "bin" / "survey"), "privacy", "--help"], capture_output=True,
                            text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "purge-comments" in result.stdout
