"""Build step for the wheel: the checkout's templates/, static/ and migrations/ go inside the `survey` package,
and the .po catalogues are compiled to .mo, so an installed survey needs nothing from the checkout.

The repository keeps those folders at the top level (its required layout); the app looks in the package first
and falls back to the checkout (survey.app.resource_dir). Everything else is in pyproject.toml.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
FOLDERS = ("templates", "static", "migrations")


class BuildWithResources(build_py):
    """build_py, then copy the top-level resource folders into the built package and compile the catalogues."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        package = Path(self.build_lib) / "survey"
        for name in FOLDERS:
            target = package / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        compile_catalogues(package / "translations")


def compile_catalogues(folder: Path) -> None:
    """messages.po → messages.mo beside it (Babel, a build requirement), failing the build on a broken catalogue."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)


setup(cmdclass={"build_py": BuildWithResources})
