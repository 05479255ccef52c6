"""The improvement blueprint with all its screens (imported here so registering `bp` registers every route)."""
from survey.improvement import fix_first, publications, quality, targets  # noqa: F401 - routes
from survey.improvement.base import bp

__all__ = ["bp"]
