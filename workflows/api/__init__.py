"""The REST API: another door into the same rooms, through the same services and gates."""
