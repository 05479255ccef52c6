"""Screens that turn figures into action (issue 23): quality review, targets, scorecards, priorities, publication."""
