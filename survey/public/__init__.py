"""The public results pages (no login): only periods Home Affairs has published."""
