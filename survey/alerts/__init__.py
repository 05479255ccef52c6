"""Web screen for alerts: rules (Home Affairs), open alerts with their evidence, acknowledgement (managers)."""
