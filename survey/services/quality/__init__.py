"""Quality flags of kiosk and online ratings (methodology §9): settings, flags at storage, the scan, the review."""
