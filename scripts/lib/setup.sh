# Shared by scripts/run and scripts/test: the project's own environment, installed from PyPI.

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating .venv"
    "${PYTHON:-python3}" -m venv .venv
    .venv/bin/pip install -q --upgrade pip
  fi
}

# Reinstall only when pyproject.toml or constraints.txt changed since the last install. Every install takes the
# versions pinned in constraints.txt (`pip freeze` of a working venv), so a fresh clone gets what was tested.
install_project() {
  local extras="${1:-}" stamp=".venv/.installed${1:+-$1}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    echo "==> Installing the project${extras:+ with [$extras]}"
    # The distribution was called `survey` before it became sipas-survey; two editable installs would fight.
    if ls -d .venv/lib/python3*/site-packages/survey-*.dist-info >/dev/null 2>&1; then
      .venv/bin/pip uninstall -q -y survey
    fi
    .venv/bin/pip install -q -c constraints.txt -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}

compile_translations() {
  if [ -d survey/translations ] && ls survey/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then
    .venv/bin/pybabel -q compile -d survey/translations 2>/dev/null || .venv/bin/pybabel compile -d survey/translations
  fi
}
