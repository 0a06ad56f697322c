CREATE TABLE locales (
    code VARCHAR(10) PRIMARY KEY,
    name VARCHAR NOT NULL,
    rtl BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO locales (code, name, rtl) VALUES
    ('en', 'English', false), ('en-GB', 'English (UK)', false), ('de', 'Deutsch', false),
    ('fr', 'Français', false), ('es', 'Español', false), ('it', 'Italiano', false),
    ('nl', 'Nederlands', false), ('pt-BR', 'Português (Brasil)', false), ('sv', 'Svenska', false),
    ('da', 'Dansk', false), ('fi', 'Suomi', false), ('nb', 'Norsk bokmål', false),
    ('pl', 'Polski', false), ('cs', 'Čeština', false), ('tr', 'Türkçe', false),
    ('ja', '日本語', false), ('ko', '한국어', false), ('zh-CN', '简体中文', false),
    ('ar', 'العربية', true), ('he', 'עברית', true);
ALTER TABLE customers ADD COLUMN locale VARCHAR(10) REFERENCES locales (code);
