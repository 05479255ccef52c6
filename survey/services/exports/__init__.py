"""Exports: index tables and anonymised raw responses as CSV or XLSX, streamed, small cells suppressed."""
