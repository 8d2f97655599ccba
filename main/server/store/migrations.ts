/**
 * Versioned schema. Each entry runs once, in order, in a transaction; the version lives in
 * SQLite's `user_version`. Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: companies, users (drivers are users with role 'driver'), positions, latest position per device
  `
  CREATE TABLE companies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    display_field TEXT NOT NULL DEFAULT 'display_name',
    max_connections INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    pk INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: tokens and in-memory state are keyed by it
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'office', 'driver')),
    display_name TEXT,
    first_name TEXT,
    last_name TEXT,
    phone TEXT,
    vehicle_plate TEXT,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    token_version INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (company_id, user_id)
  );
  CREATE TABLE positions (
    id INTEGER PRIMARY KEY,
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    device_time INTEGER NOT NULL,
    server_time INTEGER NOT NULL,
    lat REAL NOT NULL,
    lng REAL NOT NULL,
    speed REAL NOT NULL,
    bearing REAL NOT NULL,
    accuracy REAL,
    altitude REAL,
    source TEXT NOT NULL,
    UNIQUE (user_pk, device_time)
  );
  CREATE TABLE latest_positions (
    user_pk INTEGER PRIMARY KEY REFERENCES users(pk) ON DELETE CASCADE,
    position_id INTEGER NOT NULL,
    device_time INTEGER NOT NULL
  );
  `,
  // 2: one-time sign-in links (only a hash of the code is kept); a company's map tile URL
  `
  CREATE TABLE login_links (
    code_hash TEXT PRIMARY KEY,
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  ALTER TABLE companies ADD COLUMN tile_url TEXT;
  `,
  // 3: phones connect — device keys, enrolment links, implausible-fix flags, device heartbeats,
  // SOS and crash alerts, identifiers that tried to report without being known
  `
  ALTER TABLE users ADD COLUMN device_key TEXT;
  UPDATE users SET device_key = lower(hex(randomblob(16)));
  CREATE UNIQUE INDEX users_device_key ON users (device_key);
  ALTER TABLE login_links ADD COLUMN purpose TEXT NOT NULL DEFAULT 'login';
  ALTER TABLE positions ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE companies ADD COLUMN crash_threshold_g REAL NOT NULL DEFAULT 4;
  ALTER TABLE companies ADD COLUMN owntracks_friends INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE heartbeats (
    id INTEGER PRIMARY KEY,
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    time INTEGER NOT NULL,
    source TEXT NOT NULL,
    battery REAL,
    charging INTEGER,
    gps TEXT,
    online INTEGER,
    pending INTEGER,
    duty INTEGER,
    connection TEXT,
    app TEXT
  );
  CREATE INDEX heartbeats_user_time ON heartbeats (user_pk, time);
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('sos', 'crash')),
    device_time INTEGER NOT NULL,
    server_time INTEGER NOT NULL,
    lat REAL,
    lng REAL,
    source TEXT NOT NULL,
    details TEXT,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    UNIQUE (user_pk, kind, device_time)
  );
  CREATE INDEX alerts_time ON alerts (server_time);
  CREATE TABLE unknown_devices (
    identifier TEXT PRIMARY KEY,
    protocol TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    remote_address TEXT,
    lat REAL,
    lng REAL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
