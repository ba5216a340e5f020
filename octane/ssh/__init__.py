"""The SSH port (the only importer of paramiko): verified host keys, commands, file fetches.

``client.SSHConnection(Machine(...))`` logs in with the Juju client key from JUJU_DATA and
accepts the machine only with a host key Juju recorded for it; ``client.fetch`` copies a
file (a dump) into a private directory.
"""
