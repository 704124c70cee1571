#!/bin/sh
# Patroni's post_bootstrap (deploy/cluster/docker/patroni.yml): once, on the node that ran initdb, with a
# connection URL as $1: the project's database, which the migrate service then provisions and migrates.
set -e
psql -X -v ON_ERROR_STOP=1 "$1" -c 'CREATE DATABASE stationmap'
