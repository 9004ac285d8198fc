DROP TABLE IF EXISTS secrets;
DROP TABLE IF EXISTS online_visitors;
DROP TABLE IF EXISTS rate_limits;
