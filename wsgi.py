"""WSGI entry point: gunicorn 'wsgi:app'."""

from kmportal import create_app

app = create_app()
