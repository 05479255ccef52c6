"""WSGI entry point from the checkout (`gunicorn wsgi:app`, scripts/run); the installed one is survey.wsgi."""
from survey.wsgi import app

__all__ = ["app"]
