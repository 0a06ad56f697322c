DROP INDEX tickets_merged_into;
