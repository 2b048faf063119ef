"""The driver's corpus-wide state: the unit table, its compact columns, the decisions."""
