"""The warehouse's typed tables (DuckDB DDL). Canonical tables mirror ``sources.tables``.

Every data row remembers the ingest run that last wrote it (``run_id``) so a figure can name the
data it came from. ``parties.region_code`` is the *attributed* region: the explicit code when the
input gave one, else the code resolved from the address; ``region_from`` says which.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE SEQUENCE IF NOT EXISTS run_ids START 1""",
    """CREATE TABLE IF NOT EXISTS ingest_runs (
        run_id INTEGER PRIMARY KEY,
        path VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        size_bytes BIGINT,
        "table" VARCHAR,
        format VARCHAR,
        started_at TIMESTAMP,
        finished_at TIMESTAMP,
        status VARCHAR,            -- loaded | unchanged | failed
        read BIGINT, loaded BIGINT, rejected BIGINT, skipped BIGINT,
        inserted BIGINT, updated BIGINT, unchanged BIGINT,
        secondary_rows BIGINT,     -- e.g. parties rows that came with patent documents
        message VARCHAR
    )""",
    # How a CSV file's lines were decoded (utf-8, gb18030, utf-16, or "mixed (...)" with the
    # lines per encoding); added after the first release, hence not in the CREATE above.
    """ALTER TABLE ingest_runs ADD COLUMN IF NOT EXISTS encoding VARCHAR""",
    """CREATE TABLE IF NOT EXISTS rejects (
        run_id INTEGER, path VARCHAR, "table" VARCHAR, record BIGINT,
        record_key VARCHAR, reason VARCHAR, kind VARCHAR  -- kind: rejected | skipped
    )""",
    """CREATE TABLE IF NOT EXISTS patents (
        patent_id VARCHAR NOT NULL,  -- unique; enforced by ingest (no index: bulk loads)
        office VARCHAR NOT NULL,
        patent_type VARCHAR,
        application_date DATE NOT NULL,
        grant_date DATE,
        lapse_date DATE,
        term_end_date DATE,          -- optional: term with extension (期限补偿), else computed
        ipc VARCHAR,
        family_countries VARCHAR,
        title VARCHAR,
        run_id INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS parties (
        patent_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        sequence INTEGER NOT NULL,
        name VARCHAR,
        address VARCHAR,
        country VARCHAR,
        region_code VARCHAR,
        region_from VARCHAR,       -- given | address | NULL
        country_from VARCHAR,      -- given | region (from the given code) | address | NULL
        latitude DOUBLE,
        longitude DOUBLE,
        run_id INTEGER            -- key (patent_id, role, sequence) enforced by ingest
    )""",
    """CREATE TABLE IF NOT EXISTS pledges (
        patent_id VARCHAR NOT NULL, registration_date DATE NOT NULL, amount_cny DOUBLE NOT NULL,
        run_id INTEGER, PRIMARY KEY (patent_id, registration_date)
    )""",
    """CREATE TABLE IF NOT EXISTS awards (
        patent_id VARCHAR NOT NULL, award VARCHAR NOT NULL, year INTEGER NOT NULL,
        run_id INTEGER, PRIMARY KEY (patent_id, award, year)
    )""",
    # Optional: family members with their dates (the dated overseas-family criterion).
    """CREATE TABLE IF NOT EXISTS families (
        patent_id VARCHAR NOT NULL, office VARCHAR NOT NULL, application_date DATE,
        grant_date DATE, run_id INTEGER, PRIMARY KEY (patent_id, office)
    )""",
    # Warehouses created before term_end_date existed get the column (NULL: computed term).
    "ALTER TABLE patents ADD COLUMN IF NOT EXISTS term_end_date DATE",
    """CREATE TABLE IF NOT EXISTS population (
        region_code VARCHAR NOT NULL, year INTEGER NOT NULL, population DOUBLE NOT NULL,
        source VARCHAR, run_id INTEGER, PRIMARY KEY (region_code, year)
    )""",
    """CREATE TABLE IF NOT EXISTS sei_concordance (
        ipc_prefix VARCHAR PRIMARY KEY, category VARCHAR NOT NULL, run_id INTEGER
    )""",
    # The CNIPA table's layout (branch name, 不含 exclusions, 关键词); added to older warehouses.
    "ALTER TABLE sei_concordance ADD COLUMN IF NOT EXISTS branch_name VARCHAR",
    "ALTER TABLE sei_concordance ADD COLUMN IF NOT EXISTS exclusions VARCHAR",
    "ALTER TABLE sei_concordance ADD COLUMN IF NOT EXISTS keywords VARCHAR",
    """CREATE TABLE IF NOT EXISTS publications (
        publication_id VARCHAR PRIMARY KEY, year INTEGER NOT NULL, run_id INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS authors (
        publication_id VARCHAR NOT NULL, sequence INTEGER NOT NULL, address VARCHAR,
        country VARCHAR, latitude DOUBLE, longitude DOUBLE, run_id INTEGER,
        PRIMARY KEY (publication_id, sequence)
    )""",
    # Each distinct address is resolved once and remembered (resolver version kept for audit).
    """CREATE TABLE IF NOT EXISTS address_regions (
        address VARCHAR PRIMARY KEY, region_code VARCHAR, country VARCHAR, level VARCHAR,
        resolver VARCHAR
    )""",
)

DATA_TABLES = (
    "patents",
    "parties",
    "pledges",
    "awards",
    "families",
    "population",
    "sei_concordance",
    "publications",
    "authors",
)
