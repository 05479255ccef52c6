"""HTTP API v1 (token authenticated, CSRF-exempt). Each module adds its routes to `bp`."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from survey.api import units  # noqa: E402,F401  (routes register on import)

# Other areas add their API modules here, one line each.
for _name in ("survey.api.instruments", "survey.api.responses", "survey.api.indices", "survey.api.exports",
              "survey.api.campaigns"):
    try:
        __import__(_name)
    except ModuleNotFoundError as exc:  # that area is not built yet
        if exc.name != _name:
            raise
