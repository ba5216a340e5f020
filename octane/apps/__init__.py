"""Per-charm upgrade behaviour, registered by charm name through the ``octane.apps`` namespace."""
