"""Certificate regions and Lambda@Edge rules (SC5xxx)."""
