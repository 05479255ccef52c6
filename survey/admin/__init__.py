"""Administration screens: the province's organisation, kiosks, accounts, tokens, audit log and contacts."""
