"""Who may do what: staff accounts and API tokens, roles and scope, kiosk devices, the audit log, privacy."""
