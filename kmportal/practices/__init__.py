"""Good practices: the record, its workflow, the ILO criteria, revisions and pending edits."""
