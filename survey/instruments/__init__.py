"""Instrument definitions as versioned data files, their validation and routing, and the question-type registry."""
