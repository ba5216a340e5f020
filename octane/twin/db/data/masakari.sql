-- masakari: failover segments, hosts and notifications.
CREATE TABLE failover_segments (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted INT NULL,
  id INT NOT NULL AUTO_INCREMENT, uuid VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL,
  service_type VARCHAR(255) NOT NULL, description TEXT NULL,
  recovery_method ENUM('auto','reserved_host','auto_priority','rh_priority') NOT NULL,
  enabled TINYINT(1) NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_segment0name0deleted (name, deleted),
  UNIQUE KEY uniq_segments0uuid (uuid), KEY segments_service_type_idx (service_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE notifications (
  created_at DATETIME NULL, updated_at DATETIME NULL, deleted_at DATETIME NULL, deleted INT NULL,
  id INT NOT NULL AUTO_INCREMENT, notification_uuid VARCHAR(36) NOT NULL, generated_time DATETIME NOT NULL,
  source_host_uuid VARCHAR(36) NOT NULL, type VARCHAR(36) NOT NULL, payload TEXT NULL,
  status ENUM('new','running','error','failed','ignored','finished') NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY uniq_notification0uuid (notification_uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
