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
  // 4: trips (raw IncomingTrack and processed RichTrack), accidents in four stages, the durable
  // event log notifications will deliver, company API keys and trip settings
  `
  ALTER TABLE companies ADD COLUMN trip_settings TEXT;
  CREATE TABLE trips (
    id TEXT PRIMARY KEY,
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    start_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'removed')),
    reason TEXT,
    fix_count INTEGER NOT NULL,
    end_reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX trips_user_time ON trips (user_pk, start_time);
  CREATE TABLE rich_tracks (
    id TEXT PRIMARY KEY,
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    start_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    trip_ids TEXT NOT NULL,
    distance_m REAL NOT NULL,
    duration_s REAL NOT NULL,
    moving_s REAL NOT NULL,
    idle_s REAL NOT NULL,
    avg_speed REAL NOT NULL,
    max_speed REAL NOT NULL,
    score REAL NOT NULL,
    data TEXT NOT NULL,
    replaced_by TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX rich_tracks_user_time ON rich_tracks (user_pk, start_time);
  CREATE TABLE accidents (
    id TEXT PRIMARY KEY,
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,
    source TEXT NOT NULL,
    time INTEGER NOT NULL,
    lat REAL,
    lng REAL,
    received_at INTEGER NOT NULL,
    extra TEXT,
    extra_received_at INTEGER,
    package_received_at INTEGER,
    passed_filters INTEGER,
    filter_reasons TEXT,
    filtered_at INTEGER
  );
  CREATE INDEX accidents_user_time ON accidents (user_pk, time);
  ALTER TABLE alerts ADD COLUMN resolved_at INTEGER;
  ALTER TABLE alerts ADD COLUMN resolved_by TEXT;
  ALTER TABLE alerts ADD COLUMN note TEXT;
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_pk INTEGER REFERENCES users(pk) ON DELETE SET NULL,
    event TEXT NOT NULL,
    object_id TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_path TEXT,
    details TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX events_company ON events (company_id, id);
  CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  );
  `,
  // 5: a fix's own (phone) time when the server corrected it (clock ahead, GPS week rollover);
  // fixes dropped for good, counted per device, hour and reason. Fixes stored ahead of their
  // arrival by more than 5 minutes (up to a day was accepted before) are moved to their arrival
  // time like new ones, so none holds a device's latest position from the future.
  `
  ALTER TABLE positions ADD COLUMN reported_time INTEGER;
  CREATE TABLE dropped_fixes (
    user_pk INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    hour INTEGER NOT NULL,
    reason TEXT NOT NULL,
    count INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    last_message TEXT NOT NULL,
    last_source TEXT NOT NULL,
    last_lat REAL,
    last_lng REAL,
    last_device_time INTEGER,
    PRIMARY KEY (user_pk, hour, reason)
  ) WITHOUT ROWID;
  CREATE TEMP TABLE future_latest AS
    SELECT l.user_pk FROM latest_positions l JOIN positions p ON p.id = l.position_id WHERE p.device_time > p.server_time + 300000;
  UPDATE OR IGNORE positions SET reported_time = device_time, device_time = server_time, flags = flags | 2
    WHERE device_time > server_time + 300000;
  UPDATE positions SET flags = flags | 1 WHERE device_time > server_time + 300000;
  DELETE FROM latest_positions WHERE user_pk IN (SELECT user_pk FROM future_latest)
    AND NOT EXISTS (SELECT 1 FROM positions q WHERE q.user_pk = latest_positions.user_pk AND (q.flags & 1) = 0);
  UPDATE latest_positions SET (position_id, device_time) =
    (SELECT id, device_time FROM positions q WHERE q.user_pk = latest_positions.user_pk AND (q.flags & 1) = 0 ORDER BY q.device_time DESC LIMIT 1)
    WHERE user_pk IN (SELECT user_pk FROM future_latest);
  DROP TABLE future_latest;
  `,
  // 6: every identifier that is not a key belongs to a company or to nobody: keys a company
  // replaced (rotated, adopted over, driver deleted) are remembered with it and answered
  // "replaced"; identifiers a company declared in advance wait for its adoption. Unknown
  // devices are per company; the old global list is dropped (anyone could see and adopt it).
  `
  CREATE TABLE retired_keys (
    device_key TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    retired_at INTEGER NOT NULL
  );
  CREATE TABLE expected_devices (
    identifier TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    note TEXT,
    created_at INTEGER NOT NULL
  );
  DROP TABLE unknown_devices;
  CREATE TABLE unknown_devices (
    identifier TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    user_id TEXT,
    protocol TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    remote_address TEXT,
    lat REAL,
    lng REAL
  );
  CREATE INDEX unknown_devices_company ON unknown_devices (company_id, last_seen);
  `,
  // 7: live location shares (issue 13): a public link to one device's position for a bounded
  // time; only the token's SHA-256 is kept. No foreign key to users: a deleted device's shares
  // stay (cancelled) for the dispatcher's list. companies.share_settings: JSON, null = defaults.
  `
  CREATE TABLE shares (
    id TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_pk INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('active', 'arriving', 'arrived', 'completed', 'cancelled', 'expired')),
    recipient_name TEXT,
    notes TEXT,
    order_id TEXT,
    dest_lat REAL,
    dest_lng REAL,
    dest_label TEXT,
    share_config TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    expires_at INTEGER NOT NULL,
    arriving_at INTEGER,
    in_zone_since INTEGER,
    arrived_at INTEGER,
    ended_at INTEGER
  );
  CREATE INDEX shares_company ON shares (company_id, created_at);
  CREATE INDEX shares_open_device ON shares (user_pk) WHERE ended_at IS NULL;
  CREATE INDEX shares_open_expiry ON shares (expires_at) WHERE ended_at IS NULL;
  ALTER TABLE companies ADD COLUMN share_settings TEXT;
  `,
  // 8: backend notifications (issue 14). Every event gets a stable id (the idempotency key each
  // provider supports; older rows get one here). The event log is the outbox: each destination
  // keeps a cursor (the last event it has finished with, delivered or dead-lettered) and one
  // delivery row per event it tried (attempts, state, next retry). Settings are JSON without
  // secrets; the secrets are one sealed JSON (notify/secret-box.ts).
  `
  ALTER TABLE events ADD COLUMN uid TEXT;
  UPDATE events SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
  CREATE UNIQUE INDEX events_uid ON events (uid);
  CREATE TABLE destinations (
    id TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    provider TEXT NOT NULL,
    settings TEXT NOT NULL,
    secrets TEXT,
    events TEXT NOT NULL,
    devices TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    cursor INTEGER NOT NULL,
    failing_since INTEGER,
    last_success_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX destinations_company ON destinations (company_id);
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    destination_id TEXT NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_error TEXT,
    last_attempt_at INTEGER,
    next_attempt_at INTEGER,
    delivered_at INTEGER,
    UNIQUE (destination_id, event_id)
  );
  CREATE INDEX deliveries_open ON deliveries (destination_id, event_id) WHERE state IN ('pending', 'retrying');
  CREATE INDEX deliveries_dead ON deliveries (destination_id) WHERE state = 'dead';
  CREATE INDEX deliveries_done ON deliveries (delivered_at) WHERE state = 'delivered';
  `,
  // A driver's handled alerts are read at every sign-in (10,000 drivers reconnecting after a
  // restart): by device and time, not by a scan of every alert since then; and the alert →
  // accident join had no index, so SQLite built a temporary one at every alert query.
  `
  CREATE INDEX alerts_user_time ON alerts (user_pk, server_time);
  CREATE INDEX accidents_alert ON accidents (alert_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
