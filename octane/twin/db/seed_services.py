"""Seed rows for every service database except nova's (see ``seed_nova``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from octane.twin.db.sqlgen import (
    ALL_BYTES,
    AWKWARD,
    UNICODE,
    at,
    blob,
    hexid,
    insert,
    padded,
    pick,
    seq,
    uuid,
)

if TYPE_CHECKING:
    from octane.twin.db.seed import SeedSize


def keystone(size: SeedSize) -> str:
    """Domains and projects, users with local users and passwords, roles, catalog."""
    projects = size.projects
    users = size.users
    role = pick("seq", "'admin'", "'member'", "'reader'", "'load-balancer_member'", "'creator'")
    return "".join([
        insert("project", "id, name, extra, description, enabled, domain_id, parent_id, is_domain",
               "'<<keystone.domain.root>>', '<<keystone.domain.root>>', '{}', '', 0, "
               "'<<keystone.domain.root>>', NULL, 1 FROM seq_1_to_1"),
        insert("project", "id, name, extra, description, enabled, domain_id, parent_id, is_domain",
               "'default', 'Default', '{}', 'The default domain', 1, '<<keystone.domain.root>>', "
               "NULL, 1 FROM seq_1_to_1"),
        insert("project", "id, name, extra, description, enabled, domain_id, parent_id, is_domain",
               f"{hexid('project')}, CONCAT('project-', seq), '{{}}', IF(seq % 5 = 0, "
               f"CONCAT('team', {UNICODE}), NULL), 1, 'default', 'default', 0 "
               f"FROM {seq(projects)}"),
        insert("user",
               "id, extra, enabled, default_project_id, created_at, last_active_at, domain_id",
               f"{hexid('user')}, '{{}}', seq % 23 <> 0, "
               f"{hexid('project', f'seq % {projects} + 1')}, "
               f"{at('seq')}, IF(seq % 4 = 0, NULL, DATE({at('seq * 100')})), "
               f"'default' FROM {seq(users)}"),
        insert("local_user", "id, user_id, domain_id, name, failed_auth_count",
               f"seq, {hexid('user')}, 'default', CONCAT('user', seq, IF(seq % 6 = 0, {UNICODE}, "
               f"'')), "
               f"IF(seq % 9 = 0, 2, NULL) FROM {seq(users)}"),
        insert("password", "id, local_user_id, self_service, password_hash, created_at_int, "
               "created_at",
               f"seq, seq, 0, CONCAT('$2b$12$', LEFT(TO_BASE64(UNHEX(SHA2(seq, 256))), 53)), "
               f"1704067200000000 + seq, {at('seq')} FROM {seq(users)}"),
        insert("role", "id, name, extra, domain_id", f"{hexid('role')}, {role}, '{{}}', '<<null>>' "
               "FROM seq_1_to_5"),
        insert("assignment", "type, actor_id, target_id, role_id, inherited",
               f"'UserProject', {hexid('user')}, {hexid('project', f'seq % {projects} + 1')}, "
               f"{hexid('role', 'seq % 5 + 1')}, 0 FROM {seq(users)}"),
        insert("region", "id, description, extra", "'RegionOne', '', '{}' FROM seq_1_to_1"),
        insert("service", "id, type, enabled, extra",
               f"{hexid('service')}, ELT(seq, 'identity', 'compute', 'image', 'network', "
               f"'volumev3', "
               "'placement', 'orchestration'), 1, '{}' FROM seq_1_to_7"),
        insert("endpoint", "id, interface, service_id, url, extra, enabled, region_id",
               f"{hexid('endpoint')}, ELT(1 + seq % 3, 'public', 'internal', 'admin'), "
               "MD5(CONCAT('service-', CEIL(seq / 3))), CONCAT('https://10.0.0.', seq, "
               "':5000/v3'), "
               "'{}', 1, 'RegionOne' FROM seq_1_to_21"),
        insert("credential", "id, user_id, project_id, type, extra, key_hash, encrypted_blob",
               f"{hexid('credential')}, {hexid('user')}, NULL, 'ec2', '{{}}', SHA1(seq), "
               f"{blob('seq', 300)} FROM {seq(max(2, users // 4))}"),
        insert("revocation_event", "id, user_id, issued_before, revoked_at, audit_id",
               f"seq, {hexid('user')}, {at('seq')}, {at('seq')}, LEFT(MD5(seq), 22) "
               f"FROM {seq(max(2, size.instances // 10))}"),
    ])


def glance(size: SeedSize) -> str:
    """Images with properties, locations, members and tags; import tasks."""
    n = size.images
    name = (f"CONCAT(ELT(1 + seq % 3, 'jammy', 'focal', 'cirros'), '-', seq, "
            f"IF(seq % 4 = 0, {UNICODE}, ''))")
    prop = pick("seq", "'hw_disk_bus'", "'os_distro'", "'hw_vif_model'", "'architecture'",
                "'os_version'")
    stamps = f"{at('seq')}, {at('seq + 1')}, NULL, 0"
    image = uuid("image", "CEIL(seq / {per}) - 1")
    visibility = pick("seq", "'public'", "'private'", "'shared'")
    return "".join([
        insert("images", "id, name, size, status, created_at, updated_at, deleted_at, deleted, "
               "disk_format, container_format, checksum, owner, min_disk, min_ram, protected, "
               "virtual_size, visibility, os_hidden, os_hash_algo, os_hash_value",
               f"{uuid('image', 'seq - 1')}, {name}, 1073741824 + seq, IF(seq % 10 = 0, "
               f"'deleted', 'active'), "
               f"{at('seq')}, {at('seq + 1')}, IF(seq % 10 = 0, {at('seq + 100')}, NULL), "
               f"seq % 10 = 0, "
               f"'qcow2', 'bare', MD5(seq), MD5(CONCAT('project-', seq % {size.projects})), 0, 0, "
               f"0, "
               f"NULL, {visibility}, 0, 'sha512', SHA2(seq, 512) "
               f"FROM {seq(n)}"),
        insert("image_properties",
               "image_id, name, value, created_at, updated_at, deleted_at, deleted",
               f"{image.format(per=5)}, {prop}, IF(seq % 8 = 0, {AWKWARD}, MD5(seq)), {stamps} "
               f"FROM {seq(n * 5)}"),
        insert("image_locations", "image_id, value, created_at, updated_at, deleted_at, deleted, "
               "meta_data, status",
               f"{image.format(per=1)}, CONCAT('rbd://', MD5(seq), '/images/', "
               f"{uuid('image', 'seq - 1')}, '/snap'), {stamps}, '{{}}', 'active' FROM {seq(n)}"),
        insert("image_members", "image_id, member, can_share, created_at, updated_at, deleted_at, "
               "deleted, status",
               f"{image.format(per=1)}, MD5(CONCAT('project-', seq)), 0, {stamps}, "
               f"'accepted' FROM {seq(max(1, n // 3))}"),
        insert("image_tags", "image_id, value, created_at, updated_at, deleted_at, deleted",
               f"{image.format(per=2)}, CONCAT('tag', seq % 2), {stamps} FROM {seq(n * 2)}"),
        insert("tasks", "id, type, status, owner, created_at, deleted, image_id",
               f"{uuid('task')}, 'import', 'success', MD5(seq), {at('seq')}, 0, "
               f"{uuid('image', 'seq')} FROM {seq(max(1, n // 4))}"),
        insert("task_info", "task_id, input, result, message",
               f"{uuid('task')}, '{{\"import_from\": \"http://example.com/img\"}}', NULL, '' "
               f"FROM {seq(max(1, n // 4))}"),
    ])


def neutron(size: SeedSize) -> str:
    """Networks, subnets, ports with IP allocations and bindings, routers, security groups."""
    nets = size.projects + 1
    ports = size.instances + nets
    groups = size.projects
    rules = groups * 4
    routers = max(1, size.projects // 2)
    # standardattributes ids by range: networks, subnets, ports, routers, groups, rules.
    base = {"net": 0, "subnet": nets, "port": 2 * nets, "router": 2 * nets + ports}
    base["sg"] = base["router"] + routers
    base["sgr"] = base["sg"] + groups
    total = base["sgr"] + rules
    kinds = ("CASE WHEN seq <= {subnet} THEN 'networks' WHEN seq <= {port} THEN 'subnets' "
             "WHEN seq <= {router} THEN 'ports' WHEN seq <= {sg} THEN 'routers' "
             "WHEN seq <= {sgr} THEN 'securitygroups' ELSE 'securitygrouprules' END").format(**base)
    project = f"MD5(CONCAT('project-', seq % {size.projects}))"
    net_of_port = f"{uuid('net', f'1 + seq % {nets}')}"
    return "".join([
        insert("standardattributes", "id, resource_type, created_at, updated_at, description, "
               "revision_number", f"seq, {kinds}, {at('seq')}, {at('seq + 2')}, IF(seq % 10 = 0, "
               f"{AWKWARD}, ''), seq % 5 FROM {seq(total)}"),
        insert("networks", "project_id, id, name, status, admin_state_up, standard_attr_id, mtu",
               f"{project}, {uuid('net')}, CONCAT('net-', seq), 'ACTIVE', 1, {base['net']} + seq, "
               f"IF(seq = 1, 1500, 1442) FROM {seq(nets)}"),
        insert("subnets", "project_id, id, name, network_id, ip_version, cidr, gateway_ip, "
               "enable_dhcp, standard_attr_id",
               f"{project}, {uuid('subnet')}, CONCAT('subnet-', seq), "
               f"{uuid('net')}, 4, CONCAT('10.', seq DIV 256, '.', seq % 256, '.0/24'), "
               f"CONCAT('10.', seq DIV 256, '.', seq % 256, '.1'), 1, {base['subnet']} + seq "
               f"FROM {seq(nets)}"),
        insert("ports", "project_id, id, name, network_id, mac_address, admin_state_up, status, "
               "device_id, device_owner, standard_attr_id, ip_allocation",
               f"{project}, {uuid('port')}, '', {net_of_port}, CONCAT('fa:16:3e:', "
               "LPAD(HEX(seq DIV 65536 % 256), 2, '0'), ':', LPAD(HEX(seq DIV 256 % 256), 2, "
               "'0'), ':', "
               f"LPAD(HEX(seq % 256), 2, '0')), 1, 'ACTIVE', {uuid('inst')}, 'compute:nova', "
               f"{base['port']} + seq, 'immediate' FROM {seq(ports)}"),
        insert("ipallocations", "port_id, ip_address, subnet_id, network_id",
               f"{uuid('port')}, CONCAT('10.', (1 + seq % {nets}) DIV 256, '.', "
               f"(1 + seq % {nets}) % 256, "
               f"'.', 2 + seq DIV {nets}), {uuid('subnet', f'1 + seq % {nets}')}, {net_of_port} "
               f"FROM {seq(ports)}"),
        insert("ml2_port_bindings",
               "port_id, host, vif_type, vnic_type, profile, vif_details, status",
               f"{uuid('port')}, CONCAT('compute-', seq % {size.hosts}), 'ovs', 'normal', '', "
               f"'{{\"port_filter\": true, \"datapath_type\": \"system\"}}', "
               f"'ACTIVE' FROM {seq(ports)}"),
        insert("routers", "project_id, id, name, status, admin_state_up, gw_port_id, enable_snat, "
               "standard_attr_id",
               f"{project}, {uuid('router')}, CONCAT('router-', seq), 'ACTIVE', 1, "
               f"NULL, 1, {base['router']} + seq FROM {seq(routers)}"),
        insert("securitygroups", "project_id, id, name, standard_attr_id, stateful",
               f"MD5(CONCAT('project-', seq)), {uuid('sg')}, 'default', {base['sg']} + seq, 1 "
               f"FROM {seq(groups)}"),
        insert("securitygrouprules",
               "project_id, id, security_group_id, remote_group_id, direction, "
               "ethertype, protocol, port_range_min, port_range_max, remote_ip_prefix, "
               "standard_attr_id",
               f"MD5(seq), {uuid('sgr')}, {uuid('sg', 'CEIL(seq / 4)')}, NULL, "
               "IF(seq % 2, 'ingress', 'egress'), IF(seq % 4 < 2, 'IPv4', 'IPv6'), IF(seq % 3, "
               "'tcp', NULL), "
               f"22, 22, NULL, {base['sgr']} + seq FROM {seq(rules)}"),
    ])


def cinder(size: SeedSize) -> str:
    """Volume types, volumes (some launched at a zero date), attachments, snapshots, backups."""
    n = size.volumes
    connection = padded("'rbd'", 300)
    stamps = f"{at('seq')}, {at('seq + 1')}, NULL, 0"
    return "".join([
        insert("volume_types", "created_at, updated_at, deleted_at, deleted, id, name, is_public",
               f"{stamps}, {uuid('vtype')}, ELT(seq, '__DEFAULT__', 'ceph-ssd', 'ceph-hdd'), 1 "
               "FROM seq_1_to_3"),
        insert("volume_type_extra_specs", "created_at, updated_at, deleted_at, deleted, id, "
               "volume_type_id, `key`, value", f"{stamps}, seq, {uuid('vtype', 'CEIL(seq / 2)')}, "
               "IF(seq % 2, 'volume_backend_name', 'replication_enabled'), 'ceph' FROM seq_1_to_6"),
        insert("volumes",
               "created_at, updated_at, deleted_at, deleted, id, user_id, project_id, host, "
               "size, availability_zone, status, attach_status, scheduled_at, launched_at, "
               "display_name, display_description, volume_type_id, bootable, use_quota",
               f"{at('seq')}, {at('seq + 1')}, IF(seq % 6 = 0, {at('seq + 9')}, NULL), "
               f"seq % 6 = 0, "
               f"{uuid('vol')}, MD5(seq), MD5(CONCAT('project-', seq % {size.projects})), "
               "'cinder@ceph#ceph', 1 + seq % 100, 'nova', IF(seq % 6 = 0, 'deleted', 'in-use'), "
               "'attached', IF(seq % 50 = 0, '0000-00-00 00:00:00', "
               f"{at('seq')}), IF(seq % 7 = 0, NULL, {at('seq + 1')}), CONCAT('vol-', seq, "
               f"IF(seq % 5 = 0, {UNICODE}, '')), IF(seq % 9 = 0, {AWKWARD}, NULL), "
               f"{uuid('vtype', '1 + seq % 3')}, 0, 1 FROM {seq(n)}"),
        insert("volume_attachment", "created_at, updated_at, deleted_at, deleted, id, volume_id, "
               "attached_host, instance_uuid, mountpoint, attach_time, attach_mode, attach_status, "
               "connection_info", f"{stamps}, {uuid('attachment')}, {uuid('vol')}, 'compute-1', "
               f"{uuid('inst')}, '/dev/vdb', {at('seq')}, 'rw', 'attached', "
               f"{connection} FROM {seq(max(1, n // 2))}"),
        insert("snapshots", "created_at, updated_at, deleted_at, deleted, id, volume_id, user_id, "
               "project_id, status, progress, volume_size, volume_type_id, use_quota",
               f"{stamps}, {uuid('snap')}, {uuid('vol')}, MD5(seq), MD5(seq), 'available', "
               f"'100%', 10, "
               f"{uuid('vtype', '1')}, 1 FROM {seq(max(1, n // 5))}"),
        insert("backups", "created_at, updated_at, deleted_at, deleted, id, volume_id, status, "
               "size, object_count, backup_metadata", f"{stamps}, {uuid('backup')}, {uuid('vol')}, "
               f"'available', 10, 3, IF(seq % 3 = 0, NULL, {blob('seq', 700)}) "
               f"FROM {seq(max(1, n // 10))}"),
        insert("services",
               "created_at, updated_at, deleted_at, deleted, id, host, `binary`, topic, "
               "report_count, disabled, availability_zone, uuid",
               f"{stamps}, seq, CONCAT('cinder-', seq), IF(seq % 2, 'cinder-volume', "
               f"'cinder-scheduler'), "
               f"'cinder', seq, 0, 'nova', {uuid('cinder-service')} FROM seq_1_to_4"),
        insert("quota_usages",
               "created_at, updated_at, deleted_at, deleted, id, project_id, resource, "
               "in_use, reserved, race_preventer",
               f"{stamps}, seq, MD5(CEIL(seq / 3)), ELT(1 + seq % 3, 'volumes', 'gigabytes', "
               f"'snapshots'), "
               f"seq % 40, 0, 1 FROM {seq(size.projects * 3)}"),
    ])


def placement(size: SeedSize) -> str:
    """Resource providers with inventories and traits; consumers and their allocations."""
    rps = size.hosts
    consumers = size.instances
    return "".join([
        insert("projects", "created_at, id, external_id",
               f"{at('0')}, seq, MD5(CONCAT('project-', seq)) FROM {seq(size.projects)}"),
        insert("users", "created_at, id, external_id",
               f"{at('0')}, seq, MD5(CONCAT('user-', seq)) FROM {seq(size.users)}"),
        insert("resource_classes", "created_at, id, name",
               f"{at('0')}, seq, CONCAT('CUSTOM_CLASS_', seq) FROM seq_1_to_20"),
        insert("resource_providers", "created_at, id, uuid, name, generation, root_provider_id, "
               "parent_provider_id",
               f"{at('seq')}, seq, {uuid('node')}, CONCAT('compute-', seq - 1, "
               f"'.maas'), seq, seq, NULL FROM {seq(rps)}"),
        insert("inventories", "created_at, id, resource_provider_id, resource_class_id, total, "
               "reserved, min_unit, max_unit, step_size, allocation_ratio",
               f"{at('0')}, seq, CEIL(seq / 3), 1 + seq % 3, 1024, 0, 1, 1024, 1, "
               f"ELT(1 + seq % 3, 16.0, 1.5, 1.0) FROM {seq(rps * 3)}"),
        insert("consumers", "created_at, id, uuid, project_id, user_id, generation",
               f"{at('seq')}, seq, {uuid('inst')}, 1 + seq % {size.projects}, "
               f"1 + seq % {size.users}, "
               f"1 FROM {seq(consumers)}"),
        insert("allocations",
               "created_at, id, resource_provider_id, consumer_id, resource_class_id, used",
               f"{at('seq')}, seq, 1 + seq % {rps}, {uuid('inst', 'CEIL(seq / 3)')}, 1 + seq % 3, "
               f"ELT(1 + seq % 3, 2, 4096, 20) FROM {seq(consumers * 3)}"),
        insert("traits", "created_at, id, name",
               f"{at('0')}, seq, CONCAT(ELT(1 + seq % 3, 'HW_CPU_X86_', 'COMPUTE_', 'CUSTOM_'), "
               "'TRAIT_', seq) FROM seq_1_to_30"),
        insert("resource_provider_traits", "created_at, trait_id, resource_provider_id",
               f"{at('0')}, 1 + (seq - 1) % 5 + 5 * ((seq - 1) DIV {rps} % 6), "
               f"1 + (seq - 1) % {rps} "
               f"FROM {seq(rps * 5)}"),
    ])


def heat(size: SeedSize) -> str:
    """Stacks with templates (a few very wide), credentials, resources, events, files."""
    n = size.stacks
    wide = f"seq <= {size.wide_rows}"
    properties = padded("'{\"flavor\": \"m1.small\"}'", 500)
    short = padded("'heat_template_version: 2021-04-16'", 2000)
    template = (f"IF({wide}, CONCAT('heat_template_version: 2021-04-16\\n', "
                f"REPEAT(CONCAT('  resource_', seq, ': {{type: OS::Nova::Server}}\\n'), "
                f"{size.wide_row_bytes // 45})), {short})")
    return "".join([
        insert("raw_template", "id, created_at, template, files, environment",
               f"seq, {at('seq')}, {template}, '{{}}', IF(seq % 3 = 0, NULL, "
               f"'{{\"parameters\": {{}}}}') FROM {seq(n)}"),
        insert("user_creds", "id, created_at, username, password, tenant, auth_url, trust_id, "
               "decrypt_method",
               f"seq, {at('seq')}, NULL, NULL, MD5(seq), 'https://10.0.0.1:5000/v3', "
               f"MD5(CONCAT('trust', seq)), 'cryptography_decrypt_v1' FROM {seq(n)}"),
        insert("stack",
               "id, created_at, updated_at, deleted_at, name, raw_template_id, user_creds_id, "
               "username, action, status, status_reason, timeout, tenant, disable_rollback, "
               "nested_depth, convergence, current_deps",
               f"{uuid('stack')}, {at('seq')}, {at('seq + 1')}, IF(seq % 8 = 0, {at('seq + 5')}, "
               f"NULL), "
               f"CONCAT('stack-', seq, IF(seq % 3 = 0, {UNICODE}, '')), seq, seq, 'admin', "
               f"'CREATE', "
               f"'COMPLETE', IF(seq % 4 = 0, {AWKWARD}, 'Stack CREATE completed successfully'), "
               f"60, "
               f"MD5(seq), 1, 0, 1, '{{\"edges\": []}}' FROM {seq(n)}"),
        insert("resource", "id, uuid, nova_instance, name, created_at, action, status, stack_id, "
               "rsrc_metadata, properties_data, atomic_key, root_stack_id",
               f"seq, {uuid('resource')}, {uuid('inst')}, CONCAT('server', seq % 5), {at('seq')}, "
               f"'CREATE', 'COMPLETE', {uuid('stack', 'CEIL(seq / 5)')}, '{{}}', "
               f"{properties}, 1, "
               f"{uuid('stack', 'CEIL(seq / 5)')} FROM {seq(n * 5)}"),
        insert("event", "id, uuid, stack_id, created_at, resource_action, resource_status, "
               "resource_name, physical_resource_id, resource_status_reason, resource_type",
               f"seq, {uuid('event')}, {uuid('stack', 'CEIL(seq / 10)')}, {at('seq')}, 'CREATE', "
               f"IF(seq % 2, 'IN_PROGRESS', 'COMPLETE'), CONCAT('server', seq % 5), "
               f"{uuid('inst')}, "
               f"'state changed', 'OS::Nova::Server' FROM {seq(n * 10)}"),
        insert("software_config", "id, created_at, name, `group`, config, tenant",
               f"{uuid('config')}, {at('seq')}, CONCAT('config-', seq), 'script', "
               f"CONCAT('#!/bin/sh\\necho ', seq, '\\n'), MD5(seq) FROM {seq(max(1, n // 2))}"),
        insert("stack_files", "id, created_at, name, sha256, contents",
               f"seq, {at('seq')}, CONCAT('file-', seq, '.bin'), UNHEX(SHA2(seq, 256)), "
               f"IF(seq = 1, NULL, IF({wide}, {blob('seq', size.wide_row_bytes)}, "
               f"CONCAT({ALL_BYTES}, {blob('seq', 2000)}))) "
               f"FROM {seq(max(3, size.wide_rows + 1))}"),
    ])


def _small(table: str, columns: str, values: str, count: int = 12) -> str:
    return insert(table, columns, f"{values} FROM {seq(count)}")


def others(service: str) -> Callable[[SeedSize], str]:
    """A handful of rows for services whose data volume does not matter to an upgrade."""
    stamps = f"{at('seq')}, {at('seq + 1')}"
    bodies = {
        "aodh": _small("alarm", "alarm_id, enabled, name, type, timestamp, state, rule",
                       f"{uuid('alarm')}, 1, CONCAT('alarm', seq), 'gnocchi_resources_threshold', "
                       f"{at('seq')}, 'ok', '{{}}'"),
        "barbican": _small("secrets", "id, created_at, updated_at, deleted, status, name",
                           f"{uuid('secret')}, {stamps}, 0, 'ACTIVE', CONCAT('secret', seq)"),
        "designate": _small("zones", "id, version, created_at, deleted, tenant_id, name, email, "
                            "ttl, "
                            "serial, status, type",
                            f"{hexid('zone')}, 1, {at('seq')}, '0', MD5(seq), "
                            "CONCAT('zone', seq, '.example.com.'), 'admin@example.com', 3600, seq, "
                            "'ACTIVE', 'PRIMARY'"),
        "manila": _small("shares", "created_at, updated_at, deleted, id, size, display_name, "
                         "share_proto",
                         f"{stamps}, 'False', {uuid('share')}, 10, CONCAT('share', seq), "
                         "'NFS'"),
        "masakari": _small("failover_segments", "created_at, updated_at, deleted, id, uuid, name, "
                           "service_type, recovery_method, enabled", f"{stamps}, 0, seq, "
                           f"{uuid('segment')}, CONCAT('segment', seq), 'compute', 'auto', 1"),
        "octavia": _small("load_balancer", "project_id, id, name, provisioning_status, "
                          "operating_status, enabled, created_at", f"MD5(seq), {uuid('lb')}, "
                          f"CONCAT('lb', seq), 'ACTIVE', 'ONLINE', 1, {at('seq')}"),
        "gnocchi": _small("archive_policy", "name, back_window, definition, aggregation_methods",
                          "CONCAT('policy', seq), 0, '[]', 'mean max min'"),
    }
    body = bodies[service]
    return lambda size: body


SERVICE_SEEDERS: dict[str, Callable[[SeedSize], str]] = {
    "keystone": keystone, "glance": glance, "neutron": neutron, "cinder": cinder,
    "placement": placement, "heat": heat,
    **{name: others(name) for name in ("aodh", "barbican", "designate", "manila", "masakari",
                                       "octavia", "gnocchi")},
}
