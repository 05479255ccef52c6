"""HTTP API v1 (token authenticated, CSRF-exempt): the blueprint, assembled here from one module per area."""
from flask import Blueprint

bp = Blueprint("api", __name__)

# Each module adds its routes to `bp` on import: the directory (units, service points) and the OpenAPI document
# that describes every endpoint are always there.
from survey.api import openapi, units  # noqa: E402,F401

# Other areas add their API modules here, one line each.
for _name in ("survey.api.instruments", "survey.api.responses", "survey.api.index_results", "survey.api.exports",
              "survey.api.campaigns"):
    try:
        __import__(_name)
    except ModuleNotFoundError as exc:  # that area is not built yet
        if exc.name != _name:
            raise
