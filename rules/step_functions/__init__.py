"""Step Functions rules: Amazon States Language analysis (SC6xxx)."""
