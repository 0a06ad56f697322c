DROP TABLE satisfaction_ratings;
