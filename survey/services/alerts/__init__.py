"""Alerts: rules Home Affairs sets per unit or province, their evaluation in episodes, notices and acknowledgement."""
