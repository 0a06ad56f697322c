DROP VIEW agent_workload;
