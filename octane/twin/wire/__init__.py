"""The twin's Juju wire: TLS websockets, JSON-RPC envelopes, routing, parameters."""
