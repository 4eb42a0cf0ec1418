"""Deadlines of open tasks: their models, their reckoning in working days, the services that
open, close and change them, and the notices and reminders that tell people about them."""
