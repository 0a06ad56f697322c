CREATE TYPE notification_channel AS ENUM ('email', 'sms', 'webhook');
CREATE TABLE alert_subscriptions (
    id          BIGSERIAL PRIMARY KEY,
    rule_id     BIGINT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    channel     notification_channel NOT NULL,
    target      TEXT NOT NULL
);
CREATE TABLE alert_notifications (
    id          BIGSERIAL PRIMARY KEY,
    alert_id    BIGINT NOT NULL REFERENCES alerts (id),
    subscription_id BIGINT NOT NULL REFERENCES alert_subscriptions (id),
    sent_at     TIMESTAMPTZ NOT NULL,
    error       TEXT
);
