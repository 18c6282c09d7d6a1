"""Input and output schemas of the JSON API, one module per domain."""
