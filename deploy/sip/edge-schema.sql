-- The SIP edge's database (SQLite, read by Kamailio's db_sqlite; written only by the hub).
-- subscriber: digest credentials (auth_db, table version 7). role: 'panel' (may place calls, only to the
-- numbers in panel_route) or 'phone' (a phone that registers at the edge: the lab and the simulator;
-- real phones sit behind a trunk). ha1 = md5(username:domain:password); the password column stays empty.
CREATE TABLE IF NOT EXISTS version (
    id INTEGER PRIMARY KEY NOT NULL,
    table_name VARCHAR(32) NOT NULL,
    table_version INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT version_table_name_idx UNIQUE (table_name)
);
INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('version', 1);
CREATE TABLE IF NOT EXISTS subscriber (
    id INTEGER PRIMARY KEY NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    password VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) DEFAULT '' NOT NULL,
    ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    role VARCHAR(16) DEFAULT 'panel' NOT NULL,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE INDEX IF NOT EXISTS subscriber_username_idx ON subscriber (username);
INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('subscriber', 7);
-- The numbers each panel may call: its building's residents' phone numbers (no open relay).
CREATE TABLE IF NOT EXISTS panel_route (
    username VARCHAR(64) NOT NULL,
    number VARCHAR(20) NOT NULL,
    PRIMARY KEY (username, number)
);
