DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE api_key_usage;
DROP TABLE api_keys;
DROP TABLE slug_history;
DROP TABLE changes;
