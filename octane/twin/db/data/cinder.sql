-- cinder: volumes, attachments, snapshots, backups, types (zero dates kept from old rows).
CREATE TABLE volume_types (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id VARCHAR(36) NOT NULL, name VARCHAR(255) NULL, qos_specs_id VARCHAR(36) NULL,
  is_public TINYINT(1) NULL, description VARCHAR(255) NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE volume_type_extra_specs (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id INT NOT NULL AUTO_INCREMENT, volume_type_id VARCHAR(36) NOT NULL,
  `key` VARCHAR(255) NULL, value VARCHAR(255) NULL,
  PRIMARY KEY (id), KEY volume_type_extra_specs_ibfk_1 (volume_type_id),
  CONSTRAINT volume_type_extra_specs_ibfk_1 FOREIGN KEY (volume_type_id) REFERENCES volume_types (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE volumes (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id VARCHAR(36) NOT NULL, ec2_id VARCHAR(255) NULL, user_id VARCHAR(255) NULL, project_id VARCHAR(255) NULL,
  host VARCHAR(255) NULL, size INT NULL, availability_zone VARCHAR(255) NULL,
  status VARCHAR(255) NULL, attach_status VARCHAR(255) NULL, scheduled_at DATETIME NULL,
  launched_at DATETIME NULL, terminated_at DATETIME NULL,
  display_name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
  display_description VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
  provider_location VARCHAR(256) NULL, provider_auth VARCHAR(256) NULL, snapshot_id VARCHAR(36) NULL,
  volume_type_id VARCHAR(36) NOT NULL, source_volid VARCHAR(36) NULL, bootable TINYINT(1) NULL,
  provider_geometry VARCHAR(255) NULL, _name_id VARCHAR(36) NULL, encryption_key_id VARCHAR(36) NULL,
  migration_status VARCHAR(255) NULL, replication_status VARCHAR(255) NULL,
  consistencygroup_id VARCHAR(36) NULL, provider_id VARCHAR(255) NULL, multiattach TINYINT(1) NULL,
  previous_status VARCHAR(255) NULL, cluster_name VARCHAR(255) NULL, group_id VARCHAR(36) NULL,
  service_uuid VARCHAR(36) NULL, shared_targets TINYINT(1) NULL, use_quota TINYINT(1) NULL,
  PRIMARY KEY (id), KEY volumes_service_uuid_idx (service_uuid, deleted),
  KEY volumes_group_id_idx (group_id), KEY volumes_volume_type_id_fkey (volume_type_id),
  CONSTRAINT volumes_volume_type_id_fkey FOREIGN KEY (volume_type_id) REFERENCES volume_types (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE volume_attachment (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id VARCHAR(36) NOT NULL, volume_id VARCHAR(36) NOT NULL, attached_host VARCHAR(255) NULL,
  instance_uuid VARCHAR(36) NULL, mountpoint VARCHAR(255) NULL, attach_time DATETIME NULL,
  detach_time DATETIME NULL, attach_mode VARCHAR(36) NULL, attach_status VARCHAR(255) NULL,
  connection_info TEXT NULL, connector TEXT NULL,
  PRIMARY KEY (id), KEY volume_id (volume_id), KEY attachment_instance_uuid_idx (instance_uuid),
  CONSTRAINT volume_attachment_ibfk_1 FOREIGN KEY (volume_id) REFERENCES volumes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE snapshots (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id VARCHAR(36) NOT NULL, volume_id VARCHAR(36) NOT NULL, user_id VARCHAR(255) NULL,
  project_id VARCHAR(255) NULL, status VARCHAR(255) NULL, progress VARCHAR(255) NULL,
  volume_size INT NULL, scheduled_at DATETIME NULL, display_name VARCHAR(255) NULL,
  display_description VARCHAR(255) NULL, provider_location VARCHAR(255) NULL,
  volume_type_id VARCHAR(36) NOT NULL, use_quota TINYINT(1) NULL,
  PRIMARY KEY (id), KEY snapshots_volume_id_fkey (volume_id),
  CONSTRAINT snapshots_volume_id_fkey FOREIGN KEY (volume_id) REFERENCES volumes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE backups (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id VARCHAR(36) NOT NULL, volume_id VARCHAR(36) NOT NULL, user_id VARCHAR(255) NULL,
  project_id VARCHAR(255) NULL, host VARCHAR(255) NULL, availability_zone VARCHAR(255) NULL,
  display_name VARCHAR(255) NULL, display_description VARCHAR(255) NULL,
  container VARCHAR(255) NULL, status VARCHAR(255) NULL, fail_reason VARCHAR(255) NULL,
  service_metadata VARCHAR(255) NULL, service VARCHAR(255) NULL, size INT NULL,
  object_count INT NULL, parent_id VARCHAR(36) NULL, temp_volume_id VARCHAR(36) NULL,
  num_dependent_backups INT NULL, data_timestamp DATETIME NULL, encryption_key_id VARCHAR(36) NULL,
  backup_metadata BLOB NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE services (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id INT NOT NULL AUTO_INCREMENT, host VARCHAR(255) NULL, `binary` VARCHAR(255) NULL,
  topic VARCHAR(255) NULL, report_count INT NOT NULL, disabled TINYINT(1) NULL,
  availability_zone VARCHAR(255) NULL, disabled_reason VARCHAR(255) NULL, modified_at DATETIME NULL,
  rpc_current_version VARCHAR(36) NULL, object_current_version VARCHAR(36) NULL,
  replication_status VARCHAR(36) NULL, frozen TINYINT(1) NULL, active_backend_id VARCHAR(255) NULL,
  cluster_name VARCHAR(255) NULL, uuid VARCHAR(36) NULL,
  PRIMARY KEY (id), UNIQUE KEY services_uuid_idx (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE quota_usages (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NULL,
  id INT NOT NULL AUTO_INCREMENT, project_id VARCHAR(255) NULL, resource VARCHAR(300) NULL,
  in_use INT NOT NULL, reserved INT NOT NULL, until_refresh INT NULL, race_preventer TINYINT(1) NULL,
  PRIMARY KEY (id), UNIQUE KEY quota_usage_project_resource_idx (project_id, resource, race_preventer),
  KEY ix_quota_usages_project_id (project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE PROCEDURE volumes_in_status(IN wanted VARCHAR(255))
  SELECT id, display_name, size FROM volumes WHERE status = wanted AND deleted = 0;
