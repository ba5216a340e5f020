"""Real services backing the twin, with simulated fallbacks: ceph-mon daemons
(``ceph_daemons``), one MariaDB server per model (``mariadb``) and sshd for machines
(``sshd``)."""
