"""Operating the platform: backup and restore, demo data."""
