"""The SSH port (the only importer of paramiko): verified host keys, file fetches."""
