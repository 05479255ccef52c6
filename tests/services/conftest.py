"""Fixtures shared by the service tests."""
from tests.services.backup_support import empty_database  # noqa: F401 - a fixture for the backup tests
