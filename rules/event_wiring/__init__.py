"""Event wiring rules: queues, topics, streams, dead-letter queues and destinations (SC3xxx)."""
