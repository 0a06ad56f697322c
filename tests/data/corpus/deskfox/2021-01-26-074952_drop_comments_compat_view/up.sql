DROP VIEW comments;
