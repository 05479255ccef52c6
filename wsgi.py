"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""
from survey.app import create_app

app = create_app()
