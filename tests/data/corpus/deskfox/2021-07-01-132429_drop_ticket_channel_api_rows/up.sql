-- 'api' was never shown in the UI; the mobile SDK sent it for a while.
UPDATE tickets SET channel = 'web' WHERE channel = 'api';
