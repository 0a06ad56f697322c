INSERT INTO macros (account_id, title, body, set_status, position) VALUES
    (1, 'Thanks, closing', 'Thanks for reaching out! I''m closing this ticket now.', 'solved', 1),
    (1, 'Need more info', 'Could you send us a screenshot and the time it happened?', 'pending', 2),
    (1, 'Escalated', 'I have passed this on to our engineering team.', 'open', 3),
    (1, 'Duplicate', 'This looks like a duplicate of an existing ticket, merging.', 'closed', 4);
