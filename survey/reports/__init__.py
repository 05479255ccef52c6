"""Reports: plain dataclasses of computed figures (data.py) rendered to PDF bytes (pdf.py, pure: no Flask, no
database); views.py and downloads.py serve them and the exports to staff and the API."""
