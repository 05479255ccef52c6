"""The layers of docs/architecture.md, read from the source (ast, no app): a pure core, views that never query,
services that import no view."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "survey"

# Web layer: blueprints, their helpers, the CLI (survey/app.py assembles the app and binds the extensions).
WEB_PACKAGES = ("api", "admin", "auth", "collection", "dashboard", "reports", "cli", "schedule", "alerts")
WEB_MODULES = ("home", "methodology_page", "web")
# View modules a service must never import (survey.reports also holds the PDF renderer and its plain data).
VIEWS = tuple(f"survey.{name}" for name in (*WEB_PACKAGES[:5], *WEB_MODULES)) + (
    "survey.cli", "survey.reports.views", "survey.reports.downloads")
# Callers own the transaction ("callers commit once"), so a view may end it; everything else is a query.
TRANSACTION = {"commit", "rollback"}
QUERY_CALLS = {"query", "execute", "scalar", "scalars", "get_bind", "select", "text"}
DATABASE_MODULES = ("sqlalchemy", "flask_sqlalchemy", "survey.models.base")
# Services read settings from the app they run in, nothing per request; these modules do so today.
SERVICE_FLASK = {
    "survey.services.responses.group_commit": {"current_app"},  # whether the group commit is on
    "survey.services.responses.kiosk": {"current_app"},  # the kiosk's idle and retry defaults
    "survey.services.campaigns.manage": {"current_app"},  # personal links: signed with the app key, on its public URL
    # Jobs run outside requests: the runner pushes the app's context in its threads and reads the job settings.
    "survey.services.jobs.kinds": {"current_app"},
    "survey.services.jobs.runner": {"Flask", "current_app"},
    "survey.services.jobs.store": {"current_app"},
    # E-mail bodies are Jinja templates like the pages, in the recipient's language (not the request's).
    "survey.services.mail.compose": {"render_template", "force_locale", "gettext"},
    "survey.services.mail.send": {"current_app"},  # SMTP settings
    "survey.services.access.devices": {"current_app"},  # a device token is keyed by the app secret (19.10)
}
SERVICE_IMPORTS_OK = {"survey.reports.data"}  # plain dataclasses the report services fill and the PDF reads
# `|select(...)` is Jinja's filter, not a query.
TEMPLATE_QUERY = re.compile(r"\.query\b|\bdb\.|\.execute\(|\.scalars?\(|(?<![|\w])select\(")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, name: str) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in the tree, relative imports resolved against `name`."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(name.split(".")[:-node.level] + ([base] if base else []))
            out.append((base, [alias.name for alias in node.names]))
    return out


def query_uses(source: str, name: str = "survey.example") -> list[str]:
    """What in this web module queries the database: database imports, `db` beyond commit/rollback, query calls."""
    tree = ast.parse(source)
    found = []
    for module, names in imported(tree, name):
        if module.split(".")[0] in DATABASE_MODULES or module in DATABASE_MODULES:
            found.append(f"imports {module}")
        if module in ("survey.models", "survey.models.base") and "db" in names:
            found.append(f"imports db from {module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) \
                and isinstance(node.value.value, ast.Name) and node.value.value.id == "db":
            if node.value.attr != "session" or node.attr not in TRANSACTION:
                found.append(f"db.{node.value.attr}.{node.attr} (line {node.lineno})")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "db" \
                and node.attr != "session":
            found.append(f"db.{node.attr} (line {node.lineno})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_CALLS:
            found.append(f".{node.func.attr}() (line {node.lineno})")
        elif isinstance(node, ast.Attribute) and node.attr == "query":
            found.append(f".query (line {node.lineno})")
    return found


def sources(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in ([folder] if folder.is_file() else folder.rglob("*.py")))


WEB_FILES = sources(*(SURVEY / p for p in WEB_PACKAGES), *(SURVEY / f"{m}.py" for m in WEB_MODULES))


def test_the_layers_are_where_the_test_looks() -> None:
    assert len(WEB_FILES) > 50 and all(p.exists() for p in WEB_FILES)
    assert (SURVEY / "indices").is_dir() and (SURVEY / "services").is_dir()


@pytest.mark.parametrize("path", WEB_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_never_query(path: Path) -> None:
    assert query_uses(path.read_text("utf-8"), module_name(path)) == []


def test_a_view_may_end_its_transaction() -> None:
    source = "from survey.extensions import db\ndef v():\n    db.session.commit()\n    db.session.rollback()"
    assert query_uses(source) == []


@pytest.mark.parametrize("path", sorted((ROOT / "templates").rglob("*.html")),
                         ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_never_query(path: Path) -> None:
    assert TEMPLATE_QUERY.findall(path.read_text("utf-8")) == []


def test_a_template_that_queries_is_caught() -> None:
    assert TEMPLATE_QUERY.findall("{% for u in Unit.query.all() %}{{ db.session.get(User, 1) }}{% endfor %}")
    assert TEMPLATE_QUERY.findall("{{ select(Unit) }}") and not TEMPLATE_QUERY.findall("{{ xs|select('in', ys) }}")


def service_violations(source: str, name: str) -> list[str]:
    """Imports of view modules, and flask names beyond the module's listed exception."""
    found = []
    for module, names in imported(ast.parse(source), name):
        if module in SERVICE_IMPORTS_OK:
            continue
        if any(module == view or module.startswith(view + ".") for view in VIEWS):
            found.append(f"imports {module}")
        if module.split(".")[0] in ("flask", "flask_login", "flask_babel", "flask_wtf"):
            extra = (set(names) or {module}) - SERVICE_FLASK.get(name, set())
            if extra:
                found.append(f"imports {sorted(extra)} from {module}")
    return found


@pytest.mark.parametrize("path", sources(SURVEY / "services"), ids=lambda p: str(p.relative_to(SURVEY)))
def test_services_import_no_view(path: Path) -> None:
    assert service_violations(path.read_text("utf-8"), module_name(path)) == []


# What each check must catch: a view that queries, a service that reaches into a view or the request.
FORBIDDEN = [
    ("view", "from survey.extensions import db\ndef v():\n    return db.session.execute(select(1))"),
    ("view", "from survey.extensions import db\ndef v(i):\n    return db.session.get(User, i)"),
    ("view", "from sqlalchemy import select\n"),
    ("view", "import sqlalchemy as sa\n"),
    ("view", "def v():\n    return User.query.all()"),
    ("view", "def v(session):\n    return session.scalars(stmt)"),
    ("view", "from survey.extensions import db\ndef v():\n    db.session.add(x)"),
    ("view", "from survey.extensions import db\ndef v():\n    return db.engine"),
    ("service", "from survey.dashboard.labels import labels_of\n"),
    ("service", "from survey.api.auth import staff_required\n"),
    ("service", "import survey.web\n"),
    ("service", "from survey.reports.downloads import unit_pdf\n"),
    ("service", "from flask import request\n"),
    ("service", "from flask import current_app, g\n"),
]


@pytest.mark.parametrize(("layer", "snippet"), FORBIDDEN)
def test_code_that_breaks_a_layer_is_caught(layer: str, snippet: str) -> None:
    found = query_uses(snippet) if layer == "view" else service_violations(snippet, "survey.services.example")
    assert found, snippet


def test_the_listed_exceptions_are_still_needed() -> None:
    for name, allowed in SERVICE_FLASK.items():
        path = ROOT / (name.replace(".", "/") + ".py")
        names = {n for module, ns in imported(ast.parse(path.read_text("utf-8")), name)
                 if module.split(".")[0] in ("flask", "flask_login", "flask_babel", "flask_wtf") for n in ns}
        assert allowed <= names, name


@pytest.mark.parametrize("path", sources(SURVEY / "indices"), ids=lambda p: p.name)
def test_core_imports_no_framework(path: Path) -> None:
    modules = [m for m, _names in imported(ast.parse(path.read_text("utf-8")), module_name(path))]
    assert [m for m in modules if m.split(".")[0] in ("flask", "flask_babel", "sqlalchemy", "flask_sqlalchemy")
            or m.startswith(("survey.services", "survey.models", "survey.extensions"))] == []


def test_core_imports_neither_flask_nor_sqlalchemy() -> None:
    """Transitively too: importing the core loads neither framework."""
    probe = ("import sys, survey.indices; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy', 'flask_sqlalchemy'}))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
