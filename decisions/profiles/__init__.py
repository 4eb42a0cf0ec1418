"""The people of the procedure beyond their login: the unit each belongs to (Art. 20)."""
