"""Lambda function rules (SC1xxx)."""
