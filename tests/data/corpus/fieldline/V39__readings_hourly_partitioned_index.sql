CREATE INDEX CONCURRENTLY readings_hourly_hour ON readings_hourly (hour);
