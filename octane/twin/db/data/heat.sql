-- heat: stacks, resources, events and raw templates (large LONGTEXT/LONGBLOB rows).
CREATE TABLE raw_template (
  id INT NOT NULL AUTO_INCREMENT, created_at DATETIME NOT NULL, updated_at DATETIME NULL,
  template LONGTEXT NULL, files LONGTEXT NULL, environment LONGTEXT NULL, files_id INT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE user_creds (
  id INT NOT NULL AUTO_INCREMENT, created_at DATETIME NOT NULL, updated_at DATETIME NULL,
  username VARCHAR(255) NULL, password VARCHAR(255) NULL, tenant VARCHAR(1024) NULL,
  auth_url TEXT NULL, tenant_id VARCHAR(256) NULL, trust_id VARCHAR(255) NULL,
  trustor_user_id VARCHAR(64) NULL, decrypt_method VARCHAR(64) NULL, region_name VARCHAR(255) NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE stack (
  id VARCHAR(36) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  name VARCHAR(255) NULL, raw_template_id INT NOT NULL, prev_raw_template_id INT NULL,
  user_creds_id INT NULL, username VARCHAR(256) NULL, owner_id VARCHAR(36) NULL,
  action VARCHAR(255) NULL, status VARCHAR(255) NULL, status_reason TEXT NULL, timeout INT NULL,
  tenant VARCHAR(256) NULL, disable_rollback TINYINT(1) NOT NULL, stack_user_project_id VARCHAR(64) NULL,
  backup TINYINT(1) NULL, nested_depth INT NULL, convergence TINYINT(1) NULL,
  current_traversal VARCHAR(36) NULL, current_deps LONGTEXT NULL, parent_resource_name VARCHAR(255) NULL,
  PRIMARY KEY (id), KEY ix_stack_name (name), KEY ix_stack_tenant (tenant(255)),
  KEY ix_stack_owner_id (owner_id), KEY raw_template_id (raw_template_id), KEY user_creds_id (user_creds_id),
  CONSTRAINT stack_ibfk_1 FOREIGN KEY (raw_template_id) REFERENCES raw_template (id),
  CONSTRAINT stack_ibfk_2 FOREIGN KEY (user_creds_id) REFERENCES user_creds (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE resource (
  id INT NOT NULL AUTO_INCREMENT, uuid VARCHAR(36) NULL, nova_instance VARCHAR(255) NULL,
  name VARCHAR(255) NULL, created_at DATETIME NOT NULL, updated_at DATETIME NULL,
  action VARCHAR(255) NULL, status VARCHAR(255) NULL, status_reason TEXT NULL,
  stack_id VARCHAR(36) NOT NULL, rsrc_metadata LONGTEXT NULL, properties_data LONGTEXT NULL,
  engine_id VARCHAR(36) NULL, atomic_key INT NULL, needed_by LONGTEXT NULL, requires LONGTEXT NULL,
  replaces INT NULL, replaced_by INT NULL, current_template_id INT NULL,
  properties_data_encrypted TINYINT(1) NULL, root_stack_id VARCHAR(36) NULL, attr_data_id INT NULL,
  PRIMARY KEY (id), UNIQUE KEY uuid (uuid), KEY stack_id (stack_id), KEY ix_resource_root_stack_id (root_stack_id),
  CONSTRAINT resource_ibfk_1 FOREIGN KEY (stack_id) REFERENCES stack (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE event (
  id INT NOT NULL AUTO_INCREMENT, uuid VARCHAR(36) NULL, stack_id VARCHAR(36) NOT NULL,
  created_at DATETIME NOT NULL, updated_at DATETIME NULL, resource_action VARCHAR(255) NULL,
  resource_status VARCHAR(255) NULL, resource_name VARCHAR(255) NULL,
  physical_resource_id VARCHAR(255) NULL, resource_status_reason VARCHAR(255) NULL,
  resource_type VARCHAR(255) NULL, rsrc_prop_data_id INT NULL,
  PRIMARY KEY (id), UNIQUE KEY uuid (uuid), KEY stack_id (stack_id),
  CONSTRAINT event_ibfk_1 FOREIGN KEY (stack_id) REFERENCES stack (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE software_config (
  id VARCHAR(36) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NULL,
  name VARCHAR(255) NULL, `group` VARCHAR(255) NULL, config LONGTEXT NULL,
  tenant VARCHAR(64) NOT NULL,
  PRIMARY KEY (id), KEY ix_software_config_tenant (tenant)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

-- Binary payloads (checksummed files, encrypted blobs): exercise byte-exact copies.
CREATE TABLE stack_files (
  id INT NOT NULL AUTO_INCREMENT, created_at DATETIME NOT NULL, name VARCHAR(255) NOT NULL,
  sha256 BINARY(32) NOT NULL, contents LONGBLOB NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_stack_files0sha256 (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
