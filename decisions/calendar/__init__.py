"""The working-day calendar: its model, the official holidays it is loaded with, its admin and
the counting of working days."""
