"""Button builders and callback-data classes."""
