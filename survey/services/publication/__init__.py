"""Published periods and the public results built from them (issue 23)."""
