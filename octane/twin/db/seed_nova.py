"""Seed rows for nova's cell databases (nova, nova_cell0) and its API database.

A cell holds instances with their extra, metadata, system metadata, network info cache,
actions and events, block device mappings, faults, migrations and interfaces. Every
``deleted_every``-th instance is soft-deleted the way nova does it (``deleted = id``,
``deleted_at`` set) together with its child rows, which is what ``archive_deleted_rows``
moves to the shadow tables; a slice of older instances is already in the shadow tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from octane.twin.db.sqlgen import AWKWARD, UNICODE, at, insert, padded, pick, seq, uuid

if TYPE_CHECKING:
    from octane.twin.db.seed import SeedSize

_STAMPS = "created_at, updated_at, deleted_at, deleted"


def _instance_rows(size: SeedSize, tag: str, count: int, with_hosts: bool,
                   table: str, old: bool = False) -> str:
    every = size.deleted_every
    dead = f"(seq % {every} = 0)" if not old else "TRUE"
    # seq is BIGINT UNSIGNED: a negative offset needs signed arithmetic.
    base = "-525600 + CAST(seq AS SIGNED)" if old else "CAST(seq AS SIGNED)"
    host = f"CONCAT('compute-', seq % {size.hosts})" if with_hosts else "NULL"
    cols = ("created_at, updated_at, deleted_at, deleted, id, user_id, project_id, image_ref, "
            "launch_index, key_name, key_data, power_state, vm_state, memory_mb, vcpus, hostname, "
            "host, user_data, reservation_id, launched_at, terminated_at, display_name, "
            "display_description, availability_zone, locked, os_type, launched_on, "
            "instance_type_id, uuid, root_device_name, access_ip_v4, config_drive, task_state, "
            "progress, root_gb, ephemeral_gb, node, locked_by, cleaned, hidden")
    vm_state = pick("seq", "'active'", "'stopped'")
    select = ", ".join([
        at(f"{base}"), at(f"{base} + 60"),
        f"IF({dead}, {at(f'{base} + 43200')}, NULL)", f"IF({dead}, seq, 0)", "seq",
        f"MD5(CONCAT('user-', seq % {size.users}))",
        f"MD5(CONCAT('project-', seq % {size.projects}))",
        uuid("image", f"seq % {size.images}"), "0", "CONCAT('key-', seq % 7)",
        "IF(seq % 4 = 0, NULL, CONCAT('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI', MD5(seq), ' u@h'))",
        f"IF({dead}, 4, 1)", f"IF({dead}, 'deleted', {vm_state})",
        pick("seq", "2048", "4096", "8192"), pick("seq", "1", "2", "4"),
        "CONCAT('vm-', seq)", host,
        "IF(seq % 3 = 0, NULL, TO_BASE64(CONCAT('#cloud-config\\npackages: [nginx]\\n', "
        "REPEAT('runcmd: [echo hello]\\n', 1 + seq % 9))))",
        "CONCAT('r-', LEFT(MD5(seq), 8))", at(f"{base} + 2"),
        f"IF({dead}, {at(f'{base} + 43200')}, NULL)",
        f"CONCAT('{tag}-', seq, IF(seq % 7 = 0, {UNICODE}, ''))",
        f"IF(seq % 3 = 0, NULL, CONCAT('instance ', seq, IF(seq % 11 = 0, {AWKWARD}, '')))",
        pick("seq", "'az1'", "'az2'", "'az3'"), "0", "'linux'", host, "1 + seq % 10",
        uuid(tag), "'/dev/vda'", "CONCAT('10.0.', seq % 250, '.', seq % 200)", "''", "NULL",
        "IF(seq % 13 = 0, NULL, 100)", "20", "0",
        f"CONCAT('compute-', seq % {size.hosts}, '.maas')" if with_hosts else "NULL",
        "IF(seq % 17 = 0, 'owner', NULL)", f"IF({dead}, 1, 0)", "0",
    ])
    return insert(table, cols, f"{select} FROM {seq(count)}")


def _child(table: str, tag: str, per: int, count: int, every: int, cols: str,
           values: str) -> str:
    """Rows ``per`` instance: ``inst`` is the owning instance number, ``seq`` the row id."""
    select = (f"{at('inst + 1')}, {at('inst + 61')}, IF(inst % {every} = 0, {at('inst + 43200')}, "
              f"NULL), IF(inst % {every} = 0, seq, 0), seq, {uuid(tag, 'inst')}, {values} "
              f"FROM (SELECT seq, CEIL(seq / {per}) AS inst FROM {seq(count * per)}) AS s")
    return insert(table, f"{_STAMPS}, id, instance_uuid, {cols}", select)


def nova_cell_sql(size: SeedSize, *, tag: str, count: int, with_hosts: bool) -> str:
    """Seed one cell database with ``count`` instances named after ``tag``."""
    every = size.deleted_every
    parts = [_instance_rows(size, tag, count, with_hosts, "instances")]
    flavor = padded("CONCAT('{\"cur\": {\"nova_object.name\": \"Flavor\", \"memory_mb\": ', inst, "
                    "', \"extra_specs\": {\"hw:cpu_policy\": \"shared\"}}')", 900)
    numa = padded("'{\"cells\": [{\"id\": 0, \"cpuset\": [0, 1]}]}'", 400)
    keypairs = "CONCAT('{\"keypairs\": [\"', MD5(inst), '\"]}')"
    parts.append(_child(
        "instance_extra", tag, 1, count, every,
        "numa_topology, pci_requests, flavor, vcpu_model, keypairs",
        f"IF(inst % 2 = 0, NULL, {numa}), '[]', {flavor}, NULL, {keypairs}"))
    parts.append(_child(
        "instance_metadata", tag, 2, count, every, "`key`, value",
        "CONCAT('meta', seq % 2), IF(seq % 9 = 0, CONCAT('v', " + UNICODE + "), MD5(seq))"))
    parts.append(_child(
        "instance_system_metadata", tag, 6, count, every, "`key`, value",
        pick("seq", "'image_os_type'", "'image_min_ram'", "'image_disk_format'",
             "'image_container_format'", "'image_base_image_ref'", "'owner_user_name'")
        + ", LEFT(MD5(seq), 12 + seq % 20)"))
    network_info = padded("CONCAT('[{\"id\": \"', MD5(inst), '\", \"address\": \"fa:16:3e:', "
                          "LPAD(HEX(inst % 256), 2, '0'), '\", "
                          "\"network\": {\"label\": \"net\"}}]')",
                          1200)
    parts.append(_child("instance_info_caches", tag, 1, count, every, "network_info",
                        network_info))
    action = pick("seq", "'create'", "'stop'")
    parts.append(_child(
        "instance_actions", tag, 2, count, every,
        "action, request_id, user_id, project_id, start_time, finish_time, message",
        f"{action}, CONCAT('req-', {uuid('req')}), MD5(inst), "
        f"MD5(inst + 1), {at('inst')}, {at('inst + 1')}, NULL"))
    parts.append(insert(
        "instance_actions_events",
        f"{_STAMPS}, id, event, action_id, start_time, finish_time, result, traceback, host",
        f"{at('seq')}, {at('seq + 1')}, IF(CEIL(seq / 2) % {every} = 0, {at('seq + 43200')}, "
        f"NULL), "
        f"IF(CEIL(seq / 2) % {every} = 0, seq, 0), seq, 'compute__do_build_and_run_instance', seq, "
        f"{at('seq')}, {at('seq + 1')}, IF(seq % 19 = 0, 'Error', 'Success'), "
        f"IF(seq % 19 = 0, REPEAT('Traceback (most recent call last):\\n  File x\\n', 8), NULL), "
        f"'compute-1' FROM {seq(count * 2)}"))
    connection = padded("'{\"driver_volume_type\": \"rbd\"}'", 600)
    parts.append(_child(
        "block_device_mapping", tag, 1, count, every,
        "device_name, delete_on_termination, volume_id, volume_size, connection_info, "
        "source_type, destination_type, boot_index, image_id, uuid",
        f"'/dev/vda', 1, IF(inst % 3 = 0, {uuid('vol', 'inst')}, NULL), 20, "
        f"IF(inst % 3 = 0, {connection}, NULL), 'image', 'local', 0, "
        f"{uuid('image', 'inst % 10')}, {uuid('bdm', 'inst')}"))
    parts.append(_child(
        "instance_faults", tag, 1, max(1, count // 10), every, "code, message, details, host",
        "500, 'No valid host was found.', "
        "REPEAT('  File \"/usr/lib/python3/dist-packages/nova\"\\n', "
        "5), 'compute-0'"))
    parts.append(_child(
        "migrations", tag, 1, max(1, count // 8), every,
        "source_compute, dest_compute, status, migration_type, uuid, memory_total",
        "'compute-1', 'compute-2', 'completed', 'live-migration', "
        f"{uuid('migration', 'inst')}, 4294967296"))
    parts.append(_child(
        "virtual_interfaces", tag, 1, count, every, "address, uuid, tag",
        "CONCAT('fa:16:3e:', LPAD(HEX(inst DIV 65536 % 256), 2, '0'), ':', "
        "LPAD(HEX(inst DIV 256 % 256), 2, '0'), ':', LPAD(HEX(inst % 256), 2, '0')), "
        f"{uuid('vif', 'inst')}, NULL"))
    if with_hosts:
        parts.append(_hosts_sql(size))
    parts.append(_shadow_sql(size, tag, count))
    return "".join(parts)


def _hosts_sql(size: SeedSize) -> str:
    hosts = size.hosts
    resource = pick("seq", "'instances'", "'cores'", "'ram'", "'security_groups'")
    node_cols = ("created_at, updated_at, deleted, id, service_id, vcpus, memory_mb, local_gb, "
                 "vcpus_used, memory_mb_used, local_gb_used, hypervisor_type, hypervisor_version, "
                 "cpu_info, hypervisor_hostname, host_ip, host, ram_allocation_ratio, "
                 "cpu_allocation_ratio, disk_allocation_ratio, uuid, mapped")
    node = (f"{at('seq')}, {at('seq + 5')}, 0, seq, seq, 64, 262144, 2000, seq % 64, "
            "seq % 262144, seq % 2000, 'QEMU', 6002000, "
            + padded("'{\"arch\": \"x86_64\", \"model\": \"EPYC\"}'", 700)
            + ", CONCAT('compute-', seq - 1, '.maas'), CONCAT('10.1.0.', seq % 250), "
            "CONCAT('compute-', seq - 1), 1.5, 16.0, 1.0, " + uuid("node") + ", 1")
    return "".join([
        insert("compute_nodes", node_cols, f"{node} FROM {seq(hosts)}"),
        insert("services", "created_at, updated_at, deleted, id, host, `binary`, topic, "
               "report_count, disabled, last_seen_up, forced_down, version, uuid",
               f"{at('seq')}, {at('seq + 9')}, 0, seq, CONCAT('compute-', seq - 1), "
               "'nova-compute', 'compute', seq * 100, seq % 29 = 0, NULL, 0, 66, "
               f"{uuid('service')} FROM {seq(hosts)}"),
        insert("pci_devices", "created_at, deleted, id, compute_node_id, address, product_id, "
               "vendor_id, dev_type, label, status, extra_info, numa_node",
               f"{at('seq')}, 0, seq, CEIL(seq / 2), CONCAT('0000:81:00.', seq % 2), '154d', "
               f"'8086', 'type-PF', 'label_8086_154d', 'available', '{{}}', 0 "
               f"FROM {seq(hosts * 2)}"),
        insert("security_groups", "created_at, deleted, id, name, description, user_id, project_id",
               f"{at('seq')}, 0, seq, 'default', 'Default security group', MD5(seq), "
               f"MD5(CONCAT('project-', seq)) FROM {seq(size.projects)}"),
        insert("quota_usages", "created_at, deleted, id, project_id, resource, in_use, reserved, "
               "user_id", f"{at('seq')}, 0, seq, MD5(CONCAT('project-', seq DIV 4)), "
               f"{resource}, seq % 50, "
               f"0, MD5(seq) FROM {seq(size.projects * 4)}"),
        insert("task_log", "created_at, deleted, id, task_name, state, host, period_beginning, "
               "period_ending, message, task_items, errors",
               f"{at('seq')}, 0, seq, 'instance_usage_audit', 'DONE', CONCAT('compute-', seq), "
               f"{at('seq * 60')}, {at('seq * 60 + 60')}, 'ok', 3, 0 FROM {seq(hosts)}"),
    ])


def _shadow_sql(size: SeedSize, tag: str, count: int) -> str:
    """Rows archived by an earlier ``archive_deleted_rows``, a year older than the rest."""
    old = max(1, count // 20)
    rows = _instance_rows(size, f"{tag}-archived", old, True, "shadow_instances", old=True)
    extra = insert("shadow_instance_extra", f"{_STAMPS}, id, instance_uuid, flavor",
                   f"{at('CAST(seq AS SIGNED) - 525600')}, {at('CAST(seq AS SIGNED) - 525600')}, "
                   f"{at('CAST(seq AS SIGNED) - 482400')}, seq, seq, "
                   f"{uuid(tag + '-archived')}, '{{}}' FROM {seq(old)}")
    return rows + extra


def nova_api_sql(size: SeedSize) -> str:
    """Cell and host mappings, instance mappings, request specs, flavors, key pairs."""
    total = size.instances + size.cell0_instances
    spec = padded("CONCAT('{\"nova_object.name\": \"RequestSpec\", \"instance_uuid\": \"', "
                  "MD5(seq), '\", \"flavor\": {\"vcpus\": 2}}')", 1500)
    return "".join([
        insert("cell_mappings", "created_at, id, uuid, name, transport_url, database_connection, "
               "disabled", f"{at('0')}, seq, IF(seq = 1, '00000000-0000-0000-0000-000000000000', "
               f"{uuid('cell')}), IF(seq = 1, 'cell0', 'cell1'), "
               f"'rabbit://nova:secret@10.0.0.2:5672/', "
               "IF(seq = 1, 'mysql+pymysql://nova:secret@10.0.0.3/nova_cell0', "
               f"'mysql+pymysql://nova:secret@10.0.0.3/nova'), 0 FROM {seq(2)}"),
        insert("host_mappings", "created_at, id, cell_id, host",
               f"{at('seq')}, seq, 2, CONCAT('compute-', seq - 1) FROM {seq(size.hosts)}"),
        insert("instance_mappings", "created_at, id, instance_uuid, cell_id, project_id, "
               "queued_for_delete, user_id",
               f"{at('seq')}, seq, IF(seq <= {size.instances}, {uuid('inst')}, "
               f"{uuid('cell0', f'seq - {size.instances}')}), IF(seq <= {size.instances}, 2, 1), "
               f"MD5(CONCAT('project-', seq % {size.projects})), 0, "
               f"MD5(CONCAT('user-', seq % {size.users})) FROM {seq(total)}"),
        insert("request_specs", "created_at, id, instance_uuid, spec",
               f"{at('seq')}, seq, {uuid('inst')}, {spec} FROM {seq(size.instances)}"),
        insert("flavors", "created_at, name, id, memory_mb, vcpus, swap, flavorid, rxtx_factor, "
               "root_gb, ephemeral_gb, disabled, is_public, description",
               f"{at('0')}, CONCAT('m1.flavor', seq), seq, 512 * seq, seq, 0, seq, 1.0, 10 * seq, "
               f"0, "
               f"0, 1, IF(seq = 3, {UNICODE}, NULL) FROM {seq(10)}"),
        insert("flavor_extra_specs", "created_at, id, flavor_id, `key`, value",
               f"{at('0')}, seq, CEIL(seq / 2), IF(seq % 2, 'hw:cpu_policy', 'hw:mem_page_size'), "
               f"IF(seq % 2, 'dedicated', 'large') FROM {seq(20)}"),
        insert("key_pairs", "created_at, id, name, user_id, fingerprint, public_key, type",
               f"{at('seq')}, seq, CONCAT('key-', seq), MD5(CONCAT('user-', seq)), MD5(seq), "
               f"CONCAT('ssh-rsa AAAAB3NzaC1yc2E', REPEAT(MD5(seq), 10)), "
               f"'ssh' FROM {seq(size.users)}"),
        insert("aggregates", "created_at, id, uuid, name",
               f"{at('0')}, seq, {uuid('agg')}, CONCAT('az', seq) FROM {seq(3)}"),
        insert("aggregate_hosts", "created_at, id, host, aggregate_id",
               f"{at('0')}, seq, CONCAT('compute-', seq - 1), 1 + seq % 3 FROM {seq(size.hosts)}"),
        insert("quotas", "id, created_at, project_id, resource, hard_limit",
               f"seq, {at('0')}, MD5(CONCAT('project-', CEIL(seq / 3))), "
               f"CONCAT(ELT(1 + seq % 3, 'instances', 'cores', 'ram'), '-', CEIL(seq / 3)), 100 "
               f"FROM {seq(size.projects * 3)}"),
    ])
