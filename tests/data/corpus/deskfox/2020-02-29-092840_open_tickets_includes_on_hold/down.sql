-- This migration cannot be reverted.
SELECT 1;
