DROP INDEX tickets_search;
