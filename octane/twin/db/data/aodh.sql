-- aodh: alarms and their history.
CREATE TABLE alarm (
  alarm_id VARCHAR(128) NOT NULL, enabled TINYINT(1) NULL, name TEXT NULL, type VARCHAR(50) NULL,
  severity VARCHAR(50) NULL, description TEXT NULL, timestamp DATETIME(6) NULL,
  user_id VARCHAR(128) NULL, project_id VARCHAR(128) NULL, state VARCHAR(255) NULL,
  state_reason VARCHAR(255) NULL, state_timestamp DATETIME(6) NULL, rule TEXT NULL,
  time_constraints TEXT NULL, evaluate_timestamp DATETIME(6) NULL,
  PRIMARY KEY (alarm_id), KEY ix_alarm_user_id (user_id), KEY ix_alarm_project_id (project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
CREATE TABLE alarm_history (
  event_id VARCHAR(128) NOT NULL, alarm_id VARCHAR(128) NULL, on_behalf_of VARCHAR(128) NULL,
  project_id VARCHAR(128) NULL, user_id VARCHAR(128) NULL, type VARCHAR(20) NULL, detail TEXT NULL,
  timestamp DATETIME(6) NULL, severity VARCHAR(50) NULL,
  PRIMARY KEY (event_id), KEY ix_alarm_history_alarm_id (alarm_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
