-- barbican: secrets and their encrypted data.
CREATE TABLE secrets (
  id VARCHAR(36) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
  deleted_at DATETIME NULL, deleted TINYINT(1) NOT NULL, status VARCHAR(20) NOT NULL,
  name VARCHAR(255) NULL, secret_type VARCHAR(255) NOT NULL DEFAULT 'opaque', expiration DATETIME NULL,
  algorithm VARCHAR(255) NULL, bit_length INT NULL, mode VARCHAR(255) NULL,
  creator_id VARCHAR(255) NULL, project_id VARCHAR(36) NULL,
  PRIMARY KEY (id), KEY secrets_project_fk (project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE encrypted_data (
  id VARCHAR(36) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
  deleted_at DATETIME NULL, deleted TINYINT(1) NOT NULL, status VARCHAR(20) NOT NULL,
  content_type VARCHAR(255) NULL, secret_id VARCHAR(36) NOT NULL, kek_id VARCHAR(36) NOT NULL,
  cypher_text TEXT NULL, kek_meta_extended TEXT NULL,
  PRIMARY KEY (id), KEY secret_id (secret_id),
  CONSTRAINT encrypted_data_ibfk_1 FOREIGN KEY (secret_id) REFERENCES secrets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
