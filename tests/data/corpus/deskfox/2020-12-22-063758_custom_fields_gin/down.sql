DROP INDEX tickets_custom_fields;
