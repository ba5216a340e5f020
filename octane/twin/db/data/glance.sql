-- glance: images and their properties, locations, members and tags.
CREATE TABLE images (
  id VARCHAR(36) NOT NULL, name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
  size BIGINT NULL, status VARCHAR(30) NOT NULL,
  created_at DATETIME NOT NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  deleted TINYINT(1) NOT NULL, disk_format VARCHAR(20) NULL, container_format VARCHAR(20) NULL,
  checksum VARCHAR(32) NULL, owner VARCHAR(255) NULL, min_disk INT NOT NULL, min_ram INT NOT NULL,
  protected TINYINT(1) NOT NULL DEFAULT 0, virtual_size BIGINT NULL,
  visibility ENUM('private','public','shared','community') NOT NULL DEFAULT 'shared',
  os_hidden TINYINT(1) NOT NULL DEFAULT 0, os_hash_algo VARCHAR(64) NULL, os_hash_value VARCHAR(128) NULL,
  PRIMARY KEY (id), KEY checksum_image_idx (checksum), KEY ix_images_deleted (deleted),
  KEY owner_image_idx (owner), KEY created_at_image_idx (created_at),
  KEY updated_at_image_idx (updated_at), KEY visibility_image_idx (visibility),
  KEY os_hidden_image_idx (os_hidden), KEY os_hash_value_image_idx (os_hash_value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE image_properties (
  id INT NOT NULL AUTO_INCREMENT, image_id VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL,
  value TEXT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NULL,
  deleted_at DATETIME NULL, deleted TINYINT(1) NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY ix_image_properties_image_id_name (image_id, name),
  KEY ix_image_properties_deleted (deleted),
  CONSTRAINT image_properties_ibfk_1 FOREIGN KEY (image_id) REFERENCES images (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE image_locations (
  id INT NOT NULL AUTO_INCREMENT, image_id VARCHAR(36) NOT NULL, value TEXT NOT NULL,
  created_at DATETIME NOT NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  deleted TINYINT(1) NOT NULL, meta_data TEXT NULL, status VARCHAR(30) NOT NULL DEFAULT 'active',
  PRIMARY KEY (id), KEY ix_image_locations_image_id (image_id), KEY ix_image_locations_deleted (deleted),
  CONSTRAINT image_locations_ibfk_1 FOREIGN KEY (image_id) REFERENCES images (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE image_members (
  id INT NOT NULL AUTO_INCREMENT, image_id VARCHAR(36) NOT NULL, member VARCHAR(255) NOT NULL,
  can_share TINYINT(1) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NULL,
  deleted_at DATETIME NULL, deleted TINYINT(1) NOT NULL, status VARCHAR(20) NOT NULL DEFAULT 'pending',
  PRIMARY KEY (id), UNIQUE KEY image_members_image_id_member_deleted_at_key (image_id, member, deleted_at),
  KEY ix_image_members_deleted (deleted), KEY ix_image_members_image_id (image_id),
  KEY ix_image_members_image_id_member (image_id, member),
  CONSTRAINT image_members_ibfk_1 FOREIGN KEY (image_id) REFERENCES images (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE image_tags (
  id INT NOT NULL AUTO_INCREMENT, image_id VARCHAR(36) NOT NULL, value VARCHAR(255) NOT NULL,
  created_at DATETIME NOT NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL,
  deleted TINYINT(1) NOT NULL,
  PRIMARY KEY (id), KEY ix_image_tags_image_id (image_id), KEY ix_image_tags_image_id_tag_value (image_id, value),
  CONSTRAINT image_tags_ibfk_1 FOREIGN KEY (image_id) REFERENCES images (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE tasks (
  id VARCHAR(36) NOT NULL, type VARCHAR(30) NOT NULL, status VARCHAR(30) NOT NULL,
  owner VARCHAR(255) NOT NULL, expires_at DATETIME NULL, created_at DATETIME NOT NULL,
  updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted TINYINT(1) NOT NULL,
  image_id VARCHAR(36) NULL, request_id VARCHAR(64) NULL, user_id VARCHAR(64) NULL,
  PRIMARY KEY (id), KEY ix_tasks_type (type), KEY ix_tasks_status (status),
  KEY ix_tasks_owner (owner), KEY ix_tasks_deleted (deleted), KEY ix_tasks_updated_at (updated_at),
  KEY ix_tasks_image_id (image_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE task_info (
  task_id VARCHAR(36) NOT NULL, input TEXT NULL, result TEXT NULL, message TEXT NULL,
  PRIMARY KEY (task_id), CONSTRAINT task_info_ibfk_1 FOREIGN KEY (task_id) REFERENCES tasks (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
