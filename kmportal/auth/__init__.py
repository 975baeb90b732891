"""People and roles: users, log-in, passwords, and who may do what."""
