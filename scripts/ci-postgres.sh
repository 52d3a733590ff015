#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster (installing it if needed) and makes a `netspotter` role that
# may create databases, for the PostgreSQL pass of the test suite. Prints the DATABASE_URL to use.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null; then
  echo "ci-postgres: installing postgresql" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
if [ "$status" != "online" ]; then pg_ctlcluster "$version" "$cluster" start; fi
su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'netspotter'\"" | grep -q 1 ||
  su postgres -c "psql -p $port -qc \"CREATE ROLE netspotter LOGIN CREATEDB PASSWORD 'netspotter'\""
su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'netspotter'\"" | grep -q 1 ||
  su postgres -c "createdb -p $port -O netspotter netspotter"
echo "postgres://netspotter:netspotter@127.0.0.1:$port/netspotter"
