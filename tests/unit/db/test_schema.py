"""Splitting a table's DDL into create / deferred keys / foreign keys."""

from __future__ import annotations

from octane.db.schema import Column, Table

NOVA_LIKE = """CREATE TABLE `instance_extra` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `instance_uuid` varchar(36) NOT NULL,
  `flavor` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uniq` (`instance_uuid`),
  KEY `instance_extra_idx` (`instance_uuid`),
  FULLTEXT KEY `ft` (`flavor`),
  CONSTRAINT `fk` FOREIGN KEY (`instance_uuid`) REFERENCES `instances` (`uuid`),
  CONSTRAINT `chk` CHECK (`id` > 0)
) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb3"""


def table(sql: str, pk: tuple[str, ...] = ("id",)) -> Table:
    return Table("nova", "t", sql, (Column("id", "int"),), pk, ("int",) * len(pk))


def test_secondary_keys_and_foreign_keys_are_deferred() -> None:
    create, keys, foreign = table(NOVA_LIKE).split_ddl()
    assert "UNIQUE KEY" not in create and "KEY `instance_extra_idx`" not in create
    assert "FOREIGN KEY" not in create
    assert "FULLTEXT KEY `ft`" in create and "CHECK (`id` > 0)" in create
    assert "AUTO_INCREMENT=42" in create and create.count("PRIMARY KEY") == 1
    assert keys == ("ALTER TABLE `nova`.`t` ADD UNIQUE KEY `uniq` (`instance_uuid`), "
                    "ADD KEY `instance_extra_idx` (`instance_uuid`)")
    assert foreign == ("ALTER TABLE `nova`.`t` ADD CONSTRAINT `fk` FOREIGN KEY "
                       "(`instance_uuid`) REFERENCES `instances` (`uuid`)")
    assert table(NOVA_LIKE).foreign_keys() == [foreign.split(" ADD ", 1)[1]]


def test_create_without_deferred_parts_is_valid_sql_shape() -> None:
    create, _, _ = table(NOVA_LIKE).split_ddl()
    body = create.split("\n")[1:-1]
    assert all(line.endswith(",") for line in body[:-1]) and not body[-1].endswith(",")


def test_table_without_primary_key_keeps_every_key() -> None:
    sql = "CREATE TABLE `t` (\n  `v` int DEFAULT NULL,\n  KEY `v` (`v`)\n) ENGINE=InnoDB"
    assert table(sql, pk=()).split_ddl() == (sql, None, None)


def test_key_an_auto_increment_column_needs_stays() -> None:
    sql = ("CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `k` int NOT NULL,\n"
           "  PRIMARY KEY (`k`,`id`),\n  KEY `id` (`id`),\n  KEY `other` (`k`)\n) ENGINE=InnoDB")
    create, keys, foreign = table(sql, pk=("k", "id")).split_ddl()
    assert "KEY `id` (`id`)" in create
    assert keys == "ALTER TABLE `nova`.`t` ADD KEY `other` (`k`)" and foreign is None


def test_generated_columns_are_not_copied() -> None:
    t = Table("d", "t", "", (Column("a", "int"), Column("g", "int", generated=True)))
    assert [c.name for c in t.copied_columns] == ["a"]
    assert t.qualified == "`d`.`t`" and t.label == "d.t"
