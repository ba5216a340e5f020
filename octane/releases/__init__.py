"""Release knowledge: OpenStack releases, Ubuntu series, workload versions, charm tracks."""
