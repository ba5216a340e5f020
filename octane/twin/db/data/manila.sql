-- manila: shares and share instances.
CREATE TABLE shares (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  deleted VARCHAR(36) NULL, id VARCHAR(36) NOT NULL, user_id VARCHAR(255) NULL,
  project_id VARCHAR(255) NULL, size INT NULL, display_name VARCHAR(255) NULL,
  display_description VARCHAR(255) NULL, snapshot_id VARCHAR(36) NULL, share_proto VARCHAR(255) NULL,
  is_public TINYINT(1) NULL, source_share_group_snapshot_member_id VARCHAR(36) NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE share_instances (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  deleted VARCHAR(36) NULL, id VARCHAR(36) NOT NULL, share_id VARCHAR(36) NULL,
  host VARCHAR(255) NULL, status VARCHAR(255) NULL, availability_zone_id VARCHAR(36) NULL,
  share_network_id VARCHAR(36) NULL, share_server_id VARCHAR(36) NULL,
  PRIMARY KEY (id), KEY share_id (share_id),
  CONSTRAINT si_share_fk FOREIGN KEY (share_id) REFERENCES shares (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
