-- nova_api: the API database (flavors, cell and host mappings, request specs, key pairs).
CREATE TABLE cell_mappings (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  uuid VARCHAR(36) NOT NULL, name VARCHAR(255) NULL, transport_url TEXT NOT NULL,
  database_connection TEXT NOT NULL, disabled TINYINT(1) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_cell_mappings0uuid (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE host_mappings (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  cell_id INT NOT NULL, host VARCHAR(255) NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_host_mappings0host (host), KEY cell_id (cell_id),
  CONSTRAINT host_mappings_ibfk_1 FOREIGN KEY (cell_id) REFERENCES cell_mappings (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE instance_mappings (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  instance_uuid VARCHAR(36) NOT NULL, cell_id INT NULL, project_id VARCHAR(255) NOT NULL,
  queued_for_delete TINYINT(1) NULL, user_id VARCHAR(255) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_instance_mappings0instance_uuid (instance_uuid),
  KEY instance_uuid_idx (instance_uuid), KEY project_id_idx (project_id),
  KEY instance_mappings_user_id_project_id_idx (user_id, project_id), KEY cell_id (cell_id),
  CONSTRAINT instance_mappings_ibfk_1 FOREIGN KEY (cell_id) REFERENCES cell_mappings (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE request_specs (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  instance_uuid VARCHAR(36) NOT NULL, spec MEDIUMTEXT NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_request_specs0instance_uuid (instance_uuid),
  KEY request_spec_instance_uuid_idx (instance_uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE build_requests (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  project_id VARCHAR(255) NOT NULL, instance_uuid VARCHAR(36) NULL, instance MEDIUMTEXT NULL,
  block_device_mappings MEDIUMTEXT NULL, tags TEXT NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_build_requests0instance_uuid (instance_uuid),
  KEY build_requests_project_id_idx (project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE flavors (
  created_at DATETIME NULL, updated_at DATETIME NULL,
  name VARCHAR(255) NOT NULL, id INT NOT NULL AUTO_INCREMENT, memory_mb INT NOT NULL,
  vcpus INT NOT NULL, swap INT NOT NULL, vcpu_weight INT NULL, flavorid VARCHAR(255) NOT NULL,
  rxtx_factor FLOAT NULL, root_gb INT NULL, ephemeral_gb INT NULL, disabled TINYINT(1) NULL,
  is_public TINYINT(1) NULL, description TEXT NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_flavors0flavorid (flavorid), UNIQUE KEY uniq_flavors0name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE flavor_extra_specs (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  flavor_id INT NOT NULL, `key` VARCHAR(255) NOT NULL, value VARCHAR(255) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_flavor_extra_specs0flavor_id0key (flavor_id, `key`),
  KEY flavor_extra_specs_flavor_id_key_idx (flavor_id, `key`),
  CONSTRAINT flavor_extra_specs_ibfk_1 FOREIGN KEY (flavor_id) REFERENCES flavors (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE key_pairs (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  name VARCHAR(255) NOT NULL, user_id VARCHAR(255) NOT NULL, fingerprint VARCHAR(255) NULL,
  public_key TEXT NULL, type ENUM('ssh','x509') NOT NULL DEFAULT 'ssh',
  PRIMARY KEY (id), UNIQUE KEY uniq_key_pairs0user_id0name (user_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE aggregates (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  uuid VARCHAR(36) NULL, name VARCHAR(255) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_aggregate0name (name), KEY aggregate_uuid_idx (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE aggregate_hosts (
  created_at DATETIME NULL, updated_at DATETIME NULL, id INT NOT NULL AUTO_INCREMENT,
  host VARCHAR(255) NULL, aggregate_id INT NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_aggregate_hosts0host0aggregate_id (host, aggregate_id),
  KEY aggregate_id (aggregate_id),
  CONSTRAINT aggregate_hosts_ibfk_1 FOREIGN KEY (aggregate_id) REFERENCES aggregates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE quotas (
  id INT NOT NULL AUTO_INCREMENT, created_at DATETIME NULL, updated_at DATETIME NULL,
  project_id VARCHAR(255) NULL, resource VARCHAR(255) NOT NULL, hard_limit INT NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_quotas0project_id0resource (project_id, resource),
  KEY quotas_project_id_idx (project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
