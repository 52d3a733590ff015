#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster (installing and creating it if needed) and makes a `netspotter`
# role that may create databases, for the PostgreSQL pass of the test suite. Prints only the
# DATABASE_URL on stdout: everything the tools print goes to stderr, because callers capture stdout
# (a stray line there once turned the URL into a relative one and every test looked up host "base").
set -euo pipefail
exec 3>&1 1>&2
if ! command -v pg_lsclusters >/dev/null; then
  echo "ci-postgres: installing postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi
if [ -z "$(pg_lsclusters --no-header)" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  echo "ci-postgres: creating cluster $version/main"
  pg_createcluster "$version" main
fi
read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
if [ "$status" != "online" ]; then pg_ctlcluster "$version" "$cluster" start 3>&-; fi # the daemon must not hold the captured stdout
psql_as_postgres() { su postgres -c "psql -p $port -qtAc \"$1\""; }
psql_as_postgres "SELECT 1 FROM pg_roles WHERE rolname = 'netspotter'" | grep -q 1 ||
  psql_as_postgres "CREATE ROLE netspotter LOGIN CREATEDB PASSWORD 'netspotter'"
# Test databases are dropped WITH (FORCE), which must also end an autovacuum worker in them.
psql_as_postgres "GRANT pg_signal_backend TO netspotter" 2>/dev/null
psql_as_postgres "SELECT 1 FROM pg_database WHERE datname = 'netspotter'" | grep -q 1 ||
  su postgres -c "createdb -p $port -O netspotter netspotter"
url="postgres://netspotter:netspotter@127.0.0.1:$port/netspotter"
psql "$url" -qtAc 'SELECT 1' >/dev/null # fail here, clearly, rather than in every test
echo "ci-postgres: PostgreSQL $version/$cluster ready on port $port"
echo "$url" >&3
