"""API Gateway rules (SC4xxx)."""
