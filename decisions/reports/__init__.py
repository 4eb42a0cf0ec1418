"""The year in figures: the dashboard's and the annual rule-of-law report's numbers, each with
the decisions behind it (figures.py), the report's paragraph (annual.py) and the exports
(export.py)."""
