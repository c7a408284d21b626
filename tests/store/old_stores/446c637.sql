BEGIN TRANSACTION;
CREATE TABLE article_claims (
            as_of TEXT, framework TEXT, metric TEXT, value REAL, unit TEXT, population TEXT, source TEXT,
            PRIMARY KEY (as_of, framework, metric, population));
CREATE TABLE asked_frameworks (
            team_id TEXT NOT NULL,
            framework TEXT NOT NULL,
            n INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (team_id, framework)
        );
CREATE TABLE digest_posts (
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            period_key TEXT NOT NULL,
            status TEXT NOT NULL,
            claimed_by TEXT,
            claimed_at TEXT,
            message_ts TEXT,
            posted_at TEXT,
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            UNIQUE (enterprise_id, team_id, channel_id, period_key)
        );
CREATE TABLE github_languages (
            framework TEXT NOT NULL,
            date TEXT NOT NULL,
            language TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT 'github',
            PRIMARY KEY (framework, date, language)
        ) WITHOUT ROWID;
INSERT INTO "github_languages" VALUES('jax','2024-02-01','Python',1000,'github');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO "meta" VALUES('schema_version','2');
INSERT INTO "meta" VALUES('data_version','1');
CREATE TABLE metrics (
            id TEXT PRIMARY KEY, label TEXT, unit TEXT, kind TEXT, note TEXT);
CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT);
INSERT INTO "migrations" VALUES('bot.understanding.followup._migration_threads','2026-11-30T11:08:52+00:00');
INSERT INTO "migrations" VALUES('bot.store.digests.migrate_digest_tables','2026-11-30T11:08:52+00:00');
CREATE TABLE observations (
            framework TEXT NOT NULL,
            metric TEXT NOT NULL,
            date TEXT NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL,
            method TEXT,
            note TEXT,
            rank INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT,
            PRIMARY KEY (framework, metric, date)
        ) WITHOUT ROWID;
INSERT INTO "observations" VALUES('jax','github_stars','2024-01-01',100.0,'github',NULL,NULL,50,'2026-11-30T11:08:52+00:00');
INSERT INTO "observations" VALUES('jax','github_stars','2024-02-01',120.0,'bestof',NULL,NULL,40,'2026-11-30T11:08:52+00:00');
CREATE TABLE refresh_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            framework TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            rows INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
CREATE TABLE scheduler_lock (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
CREATE TABLE sources (
            id TEXT PRIMARY KEY, name TEXT, url TEXT, licence TEXT, credit TEXT, provenance TEXT);
CREATE TABLE subscriptions (
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'daily')),
            weekday INTEGER NOT NULL DEFAULT 0,
            time TEXT NOT NULL,
            tz TEXT NOT NULL,
            frameworks TEXT NOT NULL,
            created_by TEXT NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            paused_reason TEXT,
            created_at TEXT NOT NULL,
            active_from TEXT NOT NULL,
            PRIMARY KEY (enterprise_id, team_id, channel_id)
        );
INSERT INTO "subscriptions" VALUES('','T1','C1','weekly',0,'09:00','UTC','["jax"]','U1',0,NULL,'2026-01-01','2026-01-01');
CREATE TABLE thread_context (
    team TEXT NOT NULL,
    channel TEXT NOT NULL,
    thread_ts TEXT NOT NULL,
    query TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (team, channel, thread_ts)
);
INSERT INTO "thread_context" VALUES('T1','C1','1.0','{"intent":"compare","frameworks":["jax","pytorch"],"metric":null,"since":null,"until":null,"rate":false,"at":null,"at_month":false,"period_label":null,"unknown":[],"suggestions":{},"args":"","text":"","truncated":false,"corrections":{},"followup":false,"notes":[],"not_tracked":{},"scale":null}',2.79603693298576116564e+09);
CREATE INDEX observations_metric_date ON observations (metric, date);
CREATE INDEX refresh_runs_source ON refresh_runs (source, status, finished_at);
CREATE INDEX thread_context_updated ON thread_context (updated_at);
DELETE FROM "sqlite_sequence";
COMMIT;
