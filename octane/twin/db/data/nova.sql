-- nova (and nova_cell0): the cell database. Written for the twin in the shape nova's
-- models have had since Ussuri: soft-delete columns (deleted = id when deleted), one
-- shadow_<table> per archivable table (same columns, no foreign keys), utf8mb3 tables.
CREATE TABLE instances (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  internal_id INT NULL,
  user_id VARCHAR(255) NULL, project_id VARCHAR(255) NULL,
  image_ref VARCHAR(255) NULL, kernel_id VARCHAR(255) NULL, ramdisk_id VARCHAR(255) NULL,
  launch_index INT NULL, key_name VARCHAR(255) NULL, key_data MEDIUMTEXT NULL,
  power_state INT NULL, vm_state VARCHAR(255) NULL,
  memory_mb INT NULL, vcpus INT NULL,
  hostname VARCHAR(255) NULL, host VARCHAR(255) NULL,
  user_data MEDIUMTEXT NULL, reservation_id VARCHAR(255) NULL,
  launched_at DATETIME NULL, terminated_at DATETIME NULL,
  display_name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
  display_description VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
  availability_zone VARCHAR(255) NULL, locked TINYINT(1) NULL,
  os_type VARCHAR(255) NULL, launched_on MEDIUMTEXT NULL,
  instance_type_id INT NULL, vm_mode VARCHAR(255) NULL,
  uuid VARCHAR(36) NOT NULL, architecture VARCHAR(255) NULL,
  root_device_name VARCHAR(255) NULL, access_ip_v4 VARCHAR(39) NULL, access_ip_v6 VARCHAR(39) NULL,
  config_drive VARCHAR(255) NULL, task_state VARCHAR(255) NULL,
  default_ephemeral_device VARCHAR(255) NULL, default_swap_device VARCHAR(255) NULL,
  progress INT NULL, auto_disk_config TINYINT(1) NULL, shutdown_terminate TINYINT(1) NULL,
  disable_terminate TINYINT(1) NULL, root_gb INT NULL, ephemeral_gb INT NULL,
  cell_name VARCHAR(255) NULL, node VARCHAR(255) NULL, deleted INT NULL,
  locked_by ENUM('owner','admin') NULL, cleaned INT NULL, ephemeral_key_uuid VARCHAR(36) NULL,
  hidden TINYINT(1) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_instances0uuid (uuid),
  KEY instances_project_id_deleted_idx (project_id, deleted),
  KEY instances_reservation_id_idx (reservation_id),
  KEY instances_terminated_at_launched_at_idx (terminated_at, launched_at),
  KEY instances_task_state_updated_at_idx (task_state, updated_at),
  KEY instances_host_node_deleted_idx (host, node, deleted),
  KEY instances_host_deleted_cleaned_idx (host, deleted, cleaned),
  KEY instances_deleted_created_at_idx (deleted, created_at),
  KEY instances_updated_at_project_id_idx (updated_at, project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_extra (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  deleted INT NULL, id INT NOT NULL AUTO_INCREMENT,
  instance_uuid VARCHAR(36) NOT NULL,
  numa_topology TEXT NULL, pci_requests TEXT NULL, flavor TEXT NULL,
  vcpu_model TEXT NULL, migration_context TEXT NULL, keypairs TEXT NULL,
  device_metadata TEXT NULL, trusted_certs TEXT NULL, vpmems TEXT NULL, resources TEXT NULL,
  PRIMARY KEY (id),
  KEY instance_extra_idx (instance_uuid),
  CONSTRAINT instance_extra_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_metadata (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  `key` VARCHAR(255) NULL, value VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  instance_uuid VARCHAR(36) NULL, deleted INT NULL,
  PRIMARY KEY (id),
  KEY instance_metadata_instance_uuid_idx (instance_uuid),
  CONSTRAINT instance_metadata_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_system_metadata (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  instance_uuid VARCHAR(36) NOT NULL, `key` VARCHAR(255) NOT NULL, value VARCHAR(255) NULL,
  deleted INT NULL,
  PRIMARY KEY (id),
  KEY instance_uuid (instance_uuid),
  CONSTRAINT instance_system_metadata_ibfk_1 FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_info_caches (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  network_info MEDIUMTEXT NULL, instance_uuid VARCHAR(36) NOT NULL, deleted INT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_instance_info_caches0instance_uuid (instance_uuid),
  CONSTRAINT instance_info_caches_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_faults (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  instance_uuid VARCHAR(36) NULL, code INT NOT NULL, message VARCHAR(255) NULL,
  details MEDIUMTEXT NULL, host VARCHAR(255) NULL, deleted INT NULL,
  PRIMARY KEY (id),
  KEY instance_faults_host_idx (host),
  KEY instance_faults_instance_uuid_deleted_created_at_idx (instance_uuid, deleted, created_at),
  CONSTRAINT fk_instance_faults_instance_uuid FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_actions (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  action VARCHAR(255) NULL, instance_uuid VARCHAR(36) NULL, request_id VARCHAR(255) NULL,
  user_id VARCHAR(255) NULL, project_id VARCHAR(255) NULL,
  start_time DATETIME NULL, finish_time DATETIME NULL, message VARCHAR(255) NULL, deleted INT NULL,
  PRIMARY KEY (id),
  KEY instance_uuid_idx (instance_uuid),
  KEY request_id_idx (request_id),
  KEY instance_actions_instance_uuid_updated_at_idx (instance_uuid, updated_at),
  CONSTRAINT fk_instance_actions_instance_uuid FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_actions_events (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  event VARCHAR(255) NULL, action_id INT NULL, start_time DATETIME NULL, finish_time DATETIME NULL,
  result VARCHAR(255) NULL, traceback TEXT NULL, deleted INT NULL,
  host VARCHAR(255) NULL, details TEXT NULL,
  PRIMARY KEY (id),
  KEY action_id (action_id),
  CONSTRAINT instance_actions_events_ibfk_1 FOREIGN KEY (action_id) REFERENCES instance_actions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE block_device_mapping (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  device_name VARCHAR(255) NULL, delete_on_termination TINYINT(1) NULL,
  snapshot_id VARCHAR(36) NULL, volume_id VARCHAR(36) NULL, volume_size INT NULL,
  no_device TINYINT(1) NULL, connection_info MEDIUMTEXT NULL,
  instance_uuid VARCHAR(36) NULL, deleted INT NULL,
  source_type VARCHAR(255) NULL, destination_type VARCHAR(255) NULL,
  guest_format VARCHAR(255) NULL, device_type VARCHAR(255) NULL, disk_bus VARCHAR(255) NULL,
  boot_index INT NULL, image_id VARCHAR(36) NULL, tag VARCHAR(255) NULL,
  attachment_id VARCHAR(36) NULL, uuid VARCHAR(36) NULL, volume_type VARCHAR(255) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_block_device_mapping0uuid (uuid),
  KEY snapshot_id (snapshot_id),
  KEY volume_id (volume_id),
  KEY block_device_mapping_instance_uuid_device_name_idx (instance_uuid, device_name),
  KEY block_device_mapping_instance_uuid_volume_id_idx (instance_uuid, volume_id),
  CONSTRAINT block_device_mapping_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE compute_nodes (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  service_id INT NULL, vcpus INT NOT NULL, memory_mb INT NOT NULL, local_gb INT NOT NULL,
  vcpus_used INT NOT NULL, memory_mb_used INT NOT NULL, local_gb_used INT NOT NULL,
  hypervisor_type MEDIUMTEXT NOT NULL, hypervisor_version INT NOT NULL,
  cpu_info MEDIUMTEXT NOT NULL, disk_available_least INT NULL, free_ram_mb INT NULL,
  free_disk_gb INT NULL, current_workload INT NULL, running_vms INT NULL,
  hypervisor_hostname VARCHAR(255) NULL, deleted INT NULL, host_ip VARCHAR(39) NULL,
  supported_instances TEXT NULL, pci_stats TEXT NULL, metrics TEXT NULL,
  extra_resources TEXT NULL, stats TEXT NULL, numa_topology TEXT NULL, host VARCHAR(255) NULL,
  ram_allocation_ratio FLOAT NULL, cpu_allocation_ratio FLOAT NULL, uuid VARCHAR(36) NULL,
  disk_allocation_ratio FLOAT NULL, mapped INT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_compute_nodes0host0hypervisor_hostname0deleted (host, hypervisor_hostname, deleted),
  UNIQUE KEY compute_nodes_uuid_idx (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE services (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  host VARCHAR(255) NULL, `binary` VARCHAR(255) NULL, topic VARCHAR(255) NULL,
  report_count INT NOT NULL, disabled TINYINT(1) NULL, deleted INT NULL,
  disabled_reason VARCHAR(255) NULL, last_seen_up DATETIME NULL, forced_down TINYINT(1) NULL,
  version INT NULL, uuid VARCHAR(36) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_services0host0topic0deleted (host, topic, deleted),
  UNIQUE KEY uniq_services0host0binary0deleted (host, `binary`, deleted),
  UNIQUE KEY services_uuid_idx (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE migrations (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  source_compute VARCHAR(255) NULL, dest_compute VARCHAR(255) NULL, dest_host VARCHAR(255) NULL,
  status VARCHAR(255) NULL, instance_uuid VARCHAR(36) NULL,
  old_instance_type_id INT NULL, new_instance_type_id INT NULL,
  source_node VARCHAR(255) NULL, dest_node VARCHAR(255) NULL, deleted INT NULL,
  migration_type ENUM('migration','resize','live-migration','evacuation') NULL,
  hidden TINYINT(1) NULL, memory_total BIGINT NULL, memory_processed BIGINT NULL,
  memory_remaining BIGINT NULL, disk_total BIGINT NULL, disk_processed BIGINT NULL,
  disk_remaining BIGINT NULL, uuid VARCHAR(36) NULL, cross_cell_move TINYINT(1) NULL,
  user_id VARCHAR(255) NULL, project_id VARCHAR(255) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY migrations_uuid (uuid),
  KEY migrations_instance_uuid_and_status_idx (deleted, instance_uuid, status),
  KEY migrations_by_host_nodes_idx (deleted, source_compute, dest_compute, source_node),
  KEY fk_migrations_instance_uuid (instance_uuid),
  CONSTRAINT fk_migrations_instance_uuid FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE virtual_interfaces (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  address VARCHAR(255) NULL, network_id INT NULL, uuid VARCHAR(36) NULL,
  instance_uuid VARCHAR(36) NULL, deleted INT NULL, tag VARCHAR(255) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_virtual_interfaces0address0deleted (address, deleted),
  KEY virtual_interfaces_instance_uuid_fkey (instance_uuid),
  KEY virtual_interfaces_uuid_idx (uuid),
  CONSTRAINT virtual_interfaces_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE pci_devices (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  deleted INT NOT NULL, id INT NOT NULL AUTO_INCREMENT,
  compute_node_id INT NOT NULL, address VARCHAR(12) NOT NULL, product_id VARCHAR(4) NOT NULL,
  vendor_id VARCHAR(4) NOT NULL, dev_type VARCHAR(8) NOT NULL, dev_id VARCHAR(255) NULL,
  label VARCHAR(255) NOT NULL, status VARCHAR(36) NOT NULL, extra_info TEXT NULL,
  instance_uuid VARCHAR(36) NULL, request_id VARCHAR(36) NULL, numa_node INT NULL,
  parent_addr VARCHAR(12) NULL, uuid VARCHAR(36) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_pci_devices0compute_node_id0address0deleted (compute_node_id, address, deleted),
  KEY ix_pci_devices_compute_node_id_deleted (compute_node_id, deleted),
  KEY ix_pci_devices_instance_uuid_deleted (instance_uuid, deleted),
  KEY ix_pci_devices_compute_node_id_parent_addr_deleted (compute_node_id, parent_addr, deleted),
  CONSTRAINT fk_pci_devices_compute_node_id FOREIGN KEY (compute_node_id) REFERENCES compute_nodes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE security_groups (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  name VARCHAR(255) NULL, description VARCHAR(255) NULL, user_id VARCHAR(255) NULL,
  project_id VARCHAR(255) NULL, deleted INT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_security_groups0project_id0name0deleted (project_id, name, deleted)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE quota_usages (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  project_id VARCHAR(255) NULL, resource VARCHAR(255) NOT NULL, in_use INT NOT NULL,
  reserved INT NOT NULL, until_refresh INT NULL, deleted INT NULL, user_id VARCHAR(255) NULL,
  PRIMARY KEY (id),
  KEY ix_quota_usages_project_id (project_id),
  KEY ix_quota_usages_user_id_deleted (user_id, deleted)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE task_log (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  id INT NOT NULL AUTO_INCREMENT,
  task_name VARCHAR(255) NOT NULL, state VARCHAR(255) NOT NULL, host VARCHAR(255) NOT NULL,
  period_beginning DATETIME NOT NULL, period_ending DATETIME NOT NULL,
  message VARCHAR(255) NOT NULL, task_items INT NULL, errors INT NULL, deleted INT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_task_name_x_host_x_period_beginning_x_period_ending (task_name, host, period_beginning, period_ending),
  KEY ix_task_log_period_beginning (period_beginning),
  KEY ix_task_log_host (host),
  KEY ix_task_log_period_ending (period_ending)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

-- Shadow tables: what `nova-manage db archive_deleted_rows` fills. Same columns, no
-- foreign keys, no unique constraints (nova keeps them loose so archiving never fails).
CREATE TABLE shadow_instances LIKE instances;
CREATE TABLE shadow_instance_extra LIKE instance_extra;
CREATE TABLE shadow_instance_metadata LIKE instance_metadata;
CREATE TABLE shadow_instance_system_metadata LIKE instance_system_metadata;
CREATE TABLE shadow_instance_info_caches LIKE instance_info_caches;
CREATE TABLE shadow_instance_faults LIKE instance_faults;
CREATE TABLE shadow_instance_actions LIKE instance_actions;
CREATE TABLE shadow_instance_actions_events LIKE instance_actions_events;
CREATE TABLE shadow_block_device_mapping LIKE block_device_mapping;
CREATE TABLE shadow_migrations LIKE migrations;
CREATE TABLE shadow_virtual_interfaces LIKE virtual_interfaces;
CREATE TABLE shadow_pci_devices LIKE pci_devices;
CREATE TABLE shadow_security_groups LIKE security_groups;
CREATE TABLE shadow_quota_usages LIKE quota_usages;
CREATE TABLE shadow_task_log LIKE task_log;
ALTER TABLE shadow_instances DROP INDEX uniq_instances0uuid, ADD KEY shadow_instances_uuid_idx (uuid);
ALTER TABLE shadow_instance_info_caches DROP INDEX uniq_instance_info_caches0instance_uuid;
ALTER TABLE shadow_block_device_mapping DROP INDEX uniq_block_device_mapping0uuid;
ALTER TABLE shadow_migrations DROP INDEX migrations_uuid;
ALTER TABLE shadow_virtual_interfaces DROP INDEX uniq_virtual_interfaces0address0deleted;
ALTER TABLE shadow_pci_devices DROP INDEX uniq_pci_devices0compute_node_id0address0deleted;
ALTER TABLE shadow_security_groups DROP INDEX uniq_security_groups0project_id0name0deleted;
ALTER TABLE shadow_task_log DROP INDEX uniq_task_name_x_host_x_period_beginning_x_period_ending;

-- Objects nova does not have but a copy must carry exactly: a view, a trigger, a routine.
CREATE VIEW instance_host_summary AS
  SELECT host, COUNT(*) AS instances, SUM(vcpus) AS vcpus, SUM(memory_mb) AS memory_mb
  FROM instances WHERE deleted = 0 GROUP BY host;
CREATE TRIGGER instance_faults_default_created BEFORE INSERT ON instance_faults FOR EACH ROW
  SET NEW.created_at = IFNULL(NEW.created_at, UTC_TIMESTAMP());
CREATE FUNCTION soft_deleted(deleted_value INT) RETURNS TINYINT(1) DETERMINISTIC
  RETURN deleted_value IS NOT NULL AND deleted_value <> 0;
