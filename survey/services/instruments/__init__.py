"""Instruments in the database: official definitions, versions and publishing, and province-made drafts."""
