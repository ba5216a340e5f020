-- keystone: identity (projects, users, passwords, roles, assignments, catalog).
CREATE TABLE project (
  id VARCHAR(64) NOT NULL, name VARCHAR(64) NOT NULL, extra TEXT NULL,
  description TEXT NULL, enabled TINYINT(1) NULL, domain_id VARCHAR(64) NOT NULL,
  parent_id VARCHAR(64) NULL, is_domain TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id), UNIQUE KEY ixu_project_name_domain_id (domain_id, name),
  KEY project_parent_id_fkey (parent_id),
  CONSTRAINT project_domain_id_fkey FOREIGN KEY (domain_id) REFERENCES project (id),
  CONSTRAINT project_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES project (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE user (
  id VARCHAR(64) NOT NULL, extra TEXT NULL, enabled TINYINT(1) NULL,
  default_project_id VARCHAR(64) NULL, created_at DATETIME NULL, last_active_at DATE NULL,
  domain_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY ixu_user_id_domain_id (id, domain_id), KEY ix_default_project_id (default_project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE local_user (
  id INT NOT NULL AUTO_INCREMENT, user_id VARCHAR(64) NOT NULL, domain_id VARCHAR(64) NOT NULL,
  name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  failed_auth_count INT NULL, failed_auth_at DATETIME NULL,
  PRIMARY KEY (id), UNIQUE KEY user_id (user_id), UNIQUE KEY domain_id (domain_id, name),
  CONSTRAINT local_user_user_id_fkey FOREIGN KEY (user_id, domain_id) REFERENCES user (id, domain_id)
    ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE password (
  id INT NOT NULL AUTO_INCREMENT, local_user_id INT NOT NULL, self_service TINYINT(1) NOT NULL DEFAULT 0,
  password_hash VARCHAR(255) NULL, created_at_int BIGINT NOT NULL DEFAULT 0,
  expires_at_int BIGINT NULL, created_at DATETIME NOT NULL, expires_at DATETIME NULL,
  PRIMARY KEY (id), KEY local_user_id (local_user_id),
  CONSTRAINT password_ibfk_1 FOREIGN KEY (local_user_id) REFERENCES local_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE role (
  id VARCHAR(64) NOT NULL, name VARCHAR(255) NOT NULL, extra TEXT NULL,
  domain_id VARCHAR(64) NOT NULL DEFAULT '<<null>>', description VARCHAR(255) NULL,
  PRIMARY KEY (id), UNIQUE KEY ixu_role_name_domain_id (name, domain_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE assignment (
  type ENUM('UserProject','GroupProject','UserDomain','GroupDomain') NOT NULL,
  actor_id VARCHAR(64) NOT NULL, target_id VARCHAR(64) NOT NULL, role_id VARCHAR(64) NOT NULL,
  inherited TINYINT(1) NOT NULL,
  PRIMARY KEY (type, actor_id, target_id, role_id, inherited), KEY ix_actor_id (actor_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE region (
  id VARCHAR(255) NOT NULL, description VARCHAR(255) NOT NULL, parent_region_id VARCHAR(255) NULL,
  extra TEXT NULL, PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE service (
  id VARCHAR(64) NOT NULL, type VARCHAR(255) NULL, enabled TINYINT(1) NOT NULL DEFAULT 1,
  extra TEXT NULL, PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE endpoint (
  id VARCHAR(64) NOT NULL, legacy_endpoint_id VARCHAR(64) NULL,
  interface VARCHAR(8) NOT NULL, service_id VARCHAR(64) NOT NULL, url TEXT NOT NULL,
  extra TEXT NULL, enabled TINYINT(1) NOT NULL DEFAULT 1, region_id VARCHAR(255) NULL,
  PRIMARY KEY (id), KEY service_id (service_id), KEY fk_endpoint_region_id (region_id),
  CONSTRAINT endpoint_service_id_fkey FOREIGN KEY (service_id) REFERENCES service (id),
  CONSTRAINT fk_endpoint_region_id FOREIGN KEY (region_id) REFERENCES region (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE credential (
  id VARCHAR(64) NOT NULL, user_id VARCHAR(64) NOT NULL, project_id VARCHAR(64) NULL,
  type VARCHAR(255) NOT NULL, extra TEXT NULL, key_hash VARCHAR(64) NOT NULL,
  encrypted_blob BLOB NOT NULL,
  PRIMARY KEY (id), KEY credential_user_id_idx (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE revocation_event (
  id INT NOT NULL AUTO_INCREMENT, domain_id VARCHAR(64) NULL, project_id VARCHAR(64) NULL,
  user_id VARCHAR(64) NULL, role_id VARCHAR(64) NULL, trust_id VARCHAR(64) NULL,
  consumer_id VARCHAR(64) NULL, access_token_id VARCHAR(64) NULL,
  issued_before DATETIME NOT NULL, expires_at DATETIME NULL, revoked_at DATETIME NOT NULL,
  audit_id VARCHAR(32) NULL, audit_chain_id VARCHAR(32) NULL,
  PRIMARY KEY (id), KEY ix_revocation_event_revoked_at (revoked_at),
  KEY ix_revocation_event_audit_id_issued_before (audit_id, issued_before),
  KEY ix_revocation_event_project_id_issued_before (project_id, issued_before),
  KEY ix_revocation_event_user_id_issued_before (user_id, issued_before)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE TABLE mapping (
  id VARCHAR(64) NOT NULL, rules TEXT NOT NULL, PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;

CREATE VIEW enabled_local_users AS
  SELECT u.id AS user_id, l.name, l.domain_id FROM user u JOIN local_user l ON l.user_id = u.id
  WHERE u.enabled = 1;
