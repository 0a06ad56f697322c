-- Data older than 4 years is in the archive bucket (exported 2024-05-02).
ALTER TABLE readings DETACH PARTITION readings_2019_06;
ALTER TABLE readings DETACH PARTITION readings_2019_07;
DROP TABLE readings_2019_06;
DROP TABLE readings_2019_07;
