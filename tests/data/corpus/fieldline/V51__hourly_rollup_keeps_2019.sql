-- readings_hourly still has the 2019 demo hours: good, that's the point of the rollup.
-- Mark them so the dashboard doesn't offer a drill-down that has no raw data.
ALTER TABLE readings_hourly ADD COLUMN raw_available BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE readings_hourly SET raw_available = FALSE WHERE hour < '2019-08-01';
