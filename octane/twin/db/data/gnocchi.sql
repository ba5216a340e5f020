-- gnocchi: the indexer (resources and metrics; measures live in the storage driver).
CREATE TABLE archive_policy (
  name VARCHAR(255) NOT NULL, back_window INT NOT NULL, definition TEXT NOT NULL,
  aggregation_methods VARCHAR(255) NOT NULL, PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE resource (
  id BINARY(16) NOT NULL, type VARCHAR(255) NOT NULL, creator VARCHAR(255) NOT NULL,
  started_at DATETIME(6) NOT NULL, revision_start DATETIME(6) NOT NULL, ended_at DATETIME(6) NULL,
  user_id VARCHAR(255) NULL, project_id VARCHAR(255) NULL, original_resource_id VARCHAR(255) NOT NULL,
  PRIMARY KEY (id), KEY ix_resource_id (id), KEY ix_resource_original_resource_id (original_resource_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE metric (
  id BINARY(16) NOT NULL, archive_policy_name VARCHAR(255) NOT NULL, creator VARCHAR(255) NOT NULL,
  resource_id BINARY(16) NULL, name VARCHAR(255) NULL, unit VARCHAR(31) NULL, status ENUM('active','delete') NOT NULL DEFAULT 'active',
  PRIMARY KEY (id), UNIQUE KEY uniq_metric0resource_id0name (resource_id, name),
  KEY fk_metric_ap_name_ap_name (archive_policy_name),
  CONSTRAINT fk_metric_ap_name_ap_name FOREIGN KEY (archive_policy_name) REFERENCES archive_policy (name),
  CONSTRAINT fk_metric_resource_id_resource_id FOREIGN KEY (resource_id) REFERENCES resource (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
