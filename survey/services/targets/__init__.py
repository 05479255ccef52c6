"""Targets per unit (or agency) and year, and progress against them (issue 23)."""
