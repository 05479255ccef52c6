"""Report data for the PDFs: what a report is about (targets), its figures, unit summaries and the provincial report."""
