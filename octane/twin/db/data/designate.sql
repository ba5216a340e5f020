-- designate: zones and recordsets.
CREATE TABLE zones (
  id CHAR(32) NOT NULL, version INT NOT NULL, created_at DATETIME NULL, updated_at DATETIME NULL,
  deleted CHAR(32) NOT NULL, deleted_at DATETIME NULL, tenant_id VARCHAR(36) NULL,
  name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL, ttl INT NOT NULL, serial INT NOT NULL,
  status ENUM('ACTIVE','PENDING','ERROR','DELETED','SUCCESS','NO_ZONE') NOT NULL DEFAULT 'PENDING',
  type ENUM('PRIMARY','SECONDARY','CATALOG') NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY unique_zone_name (name, deleted), KEY zone_tenant_deleted (tenant_id, deleted)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE recordsets (
  id CHAR(32) NOT NULL, version INT NOT NULL, created_at DATETIME NULL, updated_at DATETIME NULL,
  zone_shard SMALLINT NULL, tenant_id VARCHAR(36) NULL, zone_id CHAR(32) NOT NULL,
  name VARCHAR(255) NOT NULL, type ENUM('A','AAAA','CNAME','MX','SRV','TXT','SPF','NS','PTR','SSHFP','SOA','NAPTR','CAA','CERT') NOT NULL,
  ttl INT NULL, description TEXT NULL, reverse_name VARCHAR(255) NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY unique_recordset (zone_id, name, type), KEY rrset_type_domainid (type, zone_id),
  CONSTRAINT recordsets_ibfk_1 FOREIGN KEY (zone_id) REFERENCES zones (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
