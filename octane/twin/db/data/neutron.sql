-- neutron: networks, subnets, ports, security groups (standard attributes; utf8mb4).
CREATE TABLE standardattributes (
  id BIGINT NOT NULL AUTO_INCREMENT, resource_type VARCHAR(255) NOT NULL,
  created_at DATETIME NULL, updated_at DATETIME NULL, description VARCHAR(255) NULL,
  revision_number BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE networks (
  project_id VARCHAR(255) NULL, id VARCHAR(36) NOT NULL, name VARCHAR(255) NULL,
  status VARCHAR(16) NULL, admin_state_up TINYINT(1) NULL, vlan_transparent TINYINT(1) NULL,
  standard_attr_id BIGINT NOT NULL, availability_zone_hints VARCHAR(255) NULL, mtu INT NOT NULL DEFAULT 1500,
  PRIMARY KEY (id), UNIQUE KEY uniq_networks0standard_attr_id (standard_attr_id),
  KEY ix_networks_project_id (project_id),
  CONSTRAINT networks_ibfk_1 FOREIGN KEY (standard_attr_id) REFERENCES standardattributes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE subnets (
  project_id VARCHAR(255) NULL, id VARCHAR(36) NOT NULL, name VARCHAR(255) NULL,
  network_id VARCHAR(36) NOT NULL, ip_version INT NOT NULL, cidr VARCHAR(64) NOT NULL,
  gateway_ip VARCHAR(64) NULL, enable_dhcp TINYINT(1) NULL,
  ipv6_ra_mode ENUM('slaac','dhcpv6-stateful','dhcpv6-stateless') NULL,
  ipv6_address_mode ENUM('slaac','dhcpv6-stateful','dhcpv6-stateless') NULL,
  subnetpool_id VARCHAR(36) NULL, standard_attr_id BIGINT NOT NULL, segment_id VARCHAR(36) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_subnets0standard_attr_id (standard_attr_id),
  KEY network_id (network_id), KEY ix_subnets_project_id (project_id), KEY ix_subnets_subnetpool_id (subnetpool_id),
  CONSTRAINT subnets_ibfk_1 FOREIGN KEY (network_id) REFERENCES networks (id),
  CONSTRAINT subnets_ibfk_2 FOREIGN KEY (standard_attr_id) REFERENCES standardattributes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE ports (
  project_id VARCHAR(255) NULL, id VARCHAR(36) NOT NULL, name VARCHAR(255) NULL,
  network_id VARCHAR(36) NOT NULL, mac_address VARCHAR(32) NOT NULL, admin_state_up TINYINT(1) NOT NULL,
  status VARCHAR(16) NOT NULL, device_id VARCHAR(255) NOT NULL, device_owner VARCHAR(255) NOT NULL,
  standard_attr_id BIGINT NOT NULL, ip_allocation VARCHAR(16) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_ports0network_id0mac_address (network_id, mac_address),
  UNIQUE KEY uniq_ports0standard_attr_id (standard_attr_id),
  KEY ix_ports_network_id_device_owner (network_id, device_owner),
  KEY ix_ports_network_id_mac_address (network_id, mac_address),
  KEY ix_ports_device_id (device_id), KEY ix_ports_project_id (project_id),
  CONSTRAINT ports_ibfk_1 FOREIGN KEY (network_id) REFERENCES networks (id) ON DELETE CASCADE,
  CONSTRAINT ports_ibfk_2 FOREIGN KEY (standard_attr_id) REFERENCES standardattributes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE ipallocations (
  port_id VARCHAR(36) NULL, ip_address VARCHAR(64) NOT NULL, subnet_id VARCHAR(36) NOT NULL,
  network_id VARCHAR(36) NOT NULL,
  PRIMARY KEY (ip_address, subnet_id, network_id), KEY port_id (port_id), KEY subnet_id (subnet_id),
  CONSTRAINT ipallocations_ibfk_1 FOREIGN KEY (port_id) REFERENCES ports (id) ON DELETE CASCADE,
  CONSTRAINT ipallocations_ibfk_2 FOREIGN KEY (subnet_id) REFERENCES subnets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE ml2_port_bindings (
  port_id VARCHAR(36) NOT NULL, host VARCHAR(255) NOT NULL DEFAULT '', vif_type VARCHAR(64) NOT NULL,
  vnic_type VARCHAR(64) NOT NULL DEFAULT 'normal', profile VARCHAR(4095) NOT NULL DEFAULT '',
  vif_details VARCHAR(4095) NOT NULL DEFAULT '', status VARCHAR(16) NOT NULL DEFAULT 'ACTIVE',
  PRIMARY KEY (port_id, host),
  CONSTRAINT ml2_port_bindings_ibfk_1 FOREIGN KEY (port_id) REFERENCES ports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE routers (
  project_id VARCHAR(255) NULL, id VARCHAR(36) NOT NULL, name VARCHAR(255) NULL,
  status VARCHAR(16) NULL, admin_state_up TINYINT(1) NULL, gw_port_id VARCHAR(36) NULL,
  enable_snat TINYINT(1) NOT NULL DEFAULT 1, standard_attr_id BIGINT NOT NULL, flavor_id VARCHAR(36) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_routers0standard_attr_id (standard_attr_id),
  KEY gw_port_id (gw_port_id), KEY ix_routers_project_id (project_id),
  CONSTRAINT routers_ibfk_1 FOREIGN KEY (gw_port_id) REFERENCES ports (id),
  CONSTRAINT routers_ibfk_2 FOREIGN KEY (standard_attr_id) REFERENCES standardattributes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE securitygroups (
  project_id VARCHAR(255) NULL, id VARCHAR(36) NOT NULL, name VARCHAR(255) NULL,
  standard_attr_id BIGINT NOT NULL, stateful TINYINT(1) NOT NULL DEFAULT 1,
  PRIMARY KEY (id), UNIQUE KEY uniq_securitygroups0standard_attr_id (standard_attr_id),
  KEY ix_securitygroups_project_id (project_id),
  CONSTRAINT securitygroups_ibfk_1 FOREIGN KEY (standard_attr_id) REFERENCES standardattributes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE securitygrouprules (
  project_id VARCHAR(255) NULL, id VARCHAR(36) NOT NULL, security_group_id VARCHAR(36) NOT NULL,
  remote_group_id VARCHAR(36) NULL, direction ENUM('ingress','egress') NULL, ethertype VARCHAR(40) NULL,
  protocol VARCHAR(40) NULL, port_range_min INT NULL, port_range_max INT NULL,
  remote_ip_prefix VARCHAR(255) NULL, standard_attr_id BIGINT NOT NULL, remote_address_group_id VARCHAR(36) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_securitygrouprules0standard_attr_id (standard_attr_id),
  KEY security_group_id (security_group_id), KEY remote_group_id (remote_group_id),
  KEY ix_securitygrouprules_project_id (project_id),
  CONSTRAINT securitygrouprules_ibfk_1 FOREIGN KEY (security_group_id) REFERENCES securitygroups (id) ON DELETE CASCADE,
  CONSTRAINT securitygrouprules_ibfk_2 FOREIGN KEY (remote_group_id) REFERENCES securitygroups (id) ON DELETE CASCADE,
  CONSTRAINT securitygrouprules_ibfk_3 FOREIGN KEY (standard_attr_id) REFERENCES standardattributes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
