"""Fill Vietnamese msgstrs from a JSON file {msgid: translation}: `python scripts/i18n_fill.py vi.json`."""
import sys, json
from babel.messages.pofile import read_po, write_po
path = "survey/translations/vi/LC_MESSAGES/messages.po"
tr = json.load(open(sys.argv[1]))
with open(path, "rb") as f: cat = read_po(f, locale="vi")
n = 0
for m in cat:
    if m.id and m.id in tr and not m.string:
        m.string = tr[m.id]; n += 1
with open(path, "wb") as f: write_po(f, cat, width=0)
print("filled", n, "missing", [m.id for m in cat if m.id and not m.string])
