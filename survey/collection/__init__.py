"""Collection: the kiosk, the public online form, paper entry and CSV import (the API lives in survey.api)."""
