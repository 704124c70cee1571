-- 0001: extensions and the stationmap schema for heavier spatial SQL functions.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS stationmap;
