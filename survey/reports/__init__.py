"""Reports: plain dataclasses of computed figures (data.py) and their PDF rendering (pdf.py)."""
