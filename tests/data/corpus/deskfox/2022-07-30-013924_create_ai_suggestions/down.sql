DROP TABLE reply_suggestions;
