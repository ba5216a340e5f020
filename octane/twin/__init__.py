"""The twin: a simulated Charmed OpenStack cloud speaking the real Juju and OpenStack APIs."""
