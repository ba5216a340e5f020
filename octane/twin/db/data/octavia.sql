-- octavia: load balancers and amphorae.
CREATE TABLE load_balancer (
  project_id VARCHAR(36) NULL, id VARCHAR(36) NOT NULL, name VARCHAR(255) NULL,
  description VARCHAR(255) NULL, provisioning_status VARCHAR(16) NOT NULL,
  operating_status VARCHAR(16) NOT NULL, enabled TINYINT(1) NOT NULL, topology VARCHAR(36) NULL,
  server_group_id VARCHAR(36) NULL, created_at DATETIME NULL, updated_at DATETIME NULL,
  provider VARCHAR(64) NULL, flavor_id VARCHAR(36) NULL, availability_zone VARCHAR(255) NULL,
  PRIMARY KEY (id), KEY lb_project_id_idx (project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE amphora (
  id VARCHAR(36) NOT NULL, compute_id VARCHAR(36) NULL, status VARCHAR(36) NOT NULL,
  load_balancer_id VARCHAR(36) NULL, lb_network_ip VARCHAR(64) NULL, vrrp_ip VARCHAR(64) NULL,
  role VARCHAR(36) NULL, cert_expiration DATETIME NULL, cert_busy TINYINT(1) NOT NULL,
  created_at DATETIME NULL, updated_at DATETIME NULL, image_id VARCHAR(36) NULL,
  compute_flavor VARCHAR(255) NULL,
  PRIMARY KEY (id), KEY fk_amphora_load_balancer_id (load_balancer_id),
  CONSTRAINT fk_amphora_load_balancer_id FOREIGN KEY (load_balancer_id) REFERENCES load_balancer (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
