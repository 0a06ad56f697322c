-- One row per gateway per minute, split by region so each region's ingest
-- writes to its own partition.
CREATE TABLE gateway_heartbeats (
    gateway_id  BIGINT NOT NULL,
    region      TEXT NOT NULL,
    seen_at     TIMESTAMPTZ NOT NULL,
    rssi        SMALLINT,
    PRIMARY KEY (region, gateway_id, seen_at)
) PARTITION BY LIST (region);
CREATE TABLE gateway_heartbeats_eu PARTITION OF gateway_heartbeats FOR VALUES IN ('eu-west-1', 'eu-central-1');
CREATE TABLE gateway_heartbeats_us PARTITION OF gateway_heartbeats FOR VALUES IN ('us-east-1');
