"""Scheduled reports: subscriptions to a unit's PDF summary every month or quarter, and their sending."""
