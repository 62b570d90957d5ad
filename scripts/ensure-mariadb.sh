#!/usr/bin/env bash
# Makes sure a MariaDB server answers on 127.0.0.1:3306 for root without a
# password: installs Debian's mariadb-server when missing, starts it when
# stopped, lets root in over TCP (Debian's package admits root only through
# the unix socket), and waits until it accepts connections.
set -euo pipefail

tcp_ok() { mariadb --protocol=tcp -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; }
socket_ok() { mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; }

if tcp_ok; then exit 0; fi
if [ ! -x /usr/sbin/mariadbd ]; then
  echo "ensure-mariadb: installing mariadb-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq mariadb-server >/dev/null
fi
if ! socket_ok && ! tcp_ok; then
  echo "ensure-mariadb: starting mariadbd" >&2
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
fi
for _ in $(seq 1 60); do
  if tcp_ok; then break; fi
  if socket_ok; then
    echo "ensure-mariadb: letting root in over TCP without a password (test server)" >&2
    mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
      CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
      FLUSH PRIVILEGES;"
  fi
  sleep 1
done
if ! tcp_ok; then
  echo "ensure-mariadb: MariaDB did not come up on 127.0.0.1:3306" >&2
  exit 1
fi
mariadb --protocol=tcp -h127.0.0.1 -uroot -e "CREATE DATABASE IF NOT EXISTS test"
