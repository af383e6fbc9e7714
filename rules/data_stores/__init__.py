"""DynamoDB tables: indexes, keys, billing and streams (SC9xxx)."""
