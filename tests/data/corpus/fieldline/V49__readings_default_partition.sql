-- Devices with a dead RTC report 1970 or 2036. Keep the rows, out of the way.
CREATE TABLE readings_out_of_range PARTITION OF readings DEFAULT;
