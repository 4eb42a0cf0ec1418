"""Who may sign in, and for how long: repeated failed logins lock out (``lockout``), a browser
session ends when idle and at its absolute lifetime (``sessions``), and a password or role
change ends every token and session of the user (``credentials``). ``apps.ready`` wires them."""
