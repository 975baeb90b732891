"""Demo data: a labelled set of practices and accounts to try the portal with."""
