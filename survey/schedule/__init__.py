"""Web screen for scheduled reports (subscriptions)."""
