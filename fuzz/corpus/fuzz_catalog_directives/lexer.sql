SELECT '--lockwise:retries 3', $x$ -- lockwise:best-effort $x$, E'\' -- x', "a--b" /* /* -- lockwise:no-transaction */ */;
-- lockwise: no-transaction
-- lockwise:retries 1001
