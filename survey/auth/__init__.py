"""Staff sign-in (Flask-Login sessions) and the web-side access helpers every HTML area uses."""
