# Sourced by bin/telehub-backup and bin/telehub-restore (from the hub's home directory): finds the hub's database
# (exported as PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD for the PostgreSQL tools; the password never appears on
# a command line), the PostgreSQL client tools (PG_BIN), the file store directory (FILES_DIR) and its key (KEY_FILE).

# value of KEY in a Config Admin .cfg file ("key = value" or "key=value"), empty if absent or commented out
cfg_value() {
  [ -f "$1" ] || return 0
  sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$1" | tail -1 | sed 's/[[:space:]]*$//'
}

KARAF_DATA_DIR=${KARAF_DATA:-$HOME_DIR/data}
expand_props() { sed -e "s#\${karaf.data}#$KARAF_DATA_DIR#g" -e "s#\${karaf.home}#$HOME_DIR#g" -e "s#\${karaf.base}#$HOME_DIR#g" -e "s#\${karaf.etc}#$HOME_DIR/etc#g"; }

# a .cfg value as Config Admin delivers it: $[secret:NAME] is the file NAME of the secrets directory (etc/custom.properties,
# trimmed as the interpolation plugin does), $[env:NAME] an environment variable; anything else as it stands
SECRETS_DIR=$(cfg_value etc/custom.properties org.apache.felix.configadmin.plugin.interpolation.secretsdir | expand_props)
SECRETS_DIR=${SECRETS_DIR:-$HOME_DIR/etc}
cfg_resolve() {
  case "$1" in
    '$[secret:'*']')
      name=${1#'$[secret:'}; name=${name%']'}
      case "$name" in *..*|*/*) echo "secret name '$name' must not leave $SECRETS_DIR" >&2; exit 1 ;; esac
      [ -r "$SECRETS_DIR/$name" ] || { echo "the secret $SECRETS_DIR/$name is missing or not readable" >&2; exit 1; }
      sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$SECRETS_DIR/$name" ;;
    '$[env:'*']') name=${1#'$[env:'}; name=${name%']'}; printenv "$name" || true ;;
    *) printf '%s' "$1" ;;
  esac
}

DS_CFG=etc/org.ops4j.datasource-telehub.cfg
if [ -f "$DS_CFG" ]; then
  url=$(cfg_value "$DS_CFG" url)
  case "$url" in
    jdbc:postgresql://*) ;;
    *) echo "$DS_CFG: url '$url' is not a PostgreSQL JDBC URL; only PostgreSQL is backed up by this tool" >&2
       exit 1 ;;
  esac
  rest=${url#jdbc:postgresql://}
  hostport=${rest%%/*}
  dbq=${rest#*/}
  export PGDATABASE=${dbq%%\?*}
  export PGHOST=${hostport%%:*}
  if [ "$hostport" != "$PGHOST" ]; then export PGPORT=${hostport#*:}; else export PGPORT=5432; fi
  export PGUSER=$(cfg_value "$DS_CFG" user)
  PGPASSWORD=$(cfg_resolve "$(cfg_value "$DS_CFG" password)") || exit 1
  export PGPASSWORD
elif [ -n "${PGHOST:-}" ] && [ -n "${PGDATABASE:-}" ]; then
  : # a database given in the environment
else
  # the hub's own PostgreSQL (bundles/dbserver): its port, data directory and OS user from its .cfg, the role
  # telehub's password from the secret it generated
  OWN_CFG=etc/org.telehub.dbserver.cfg
  OWN_DATA_DIR=$(cfg_value "$OWN_CFG" dataDirectory | expand_props)
  OWN_DATA_DIR=${OWN_DATA_DIR:-$KARAF_DATA_DIR/telehub/postgres}
  OWN_OS_USER=$(cfg_value "$OWN_CFG" osUser)
  OWN_OS_USER=${OWN_OS_USER:-telehub}
  OWN_BIN=$(cfg_value "$OWN_CFG" binDirectory)
  secret=$KARAF_DATA_DIR/telehub/postgres.secret
  [ -r "$secret" ] && [ -f "$OWN_DATA_DIR/PG_VERSION" ] || { echo "no $DS_CFG and no hub's own PostgreSQL" \
    "($OWN_DATA_DIR, $secret): start the hub once, or set PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE" >&2; exit 1; }
  PGPORT=$(cfg_value "$OWN_CFG" port)
  export PGHOST=127.0.0.1 PGPORT=${PGPORT:-5438} PGDATABASE=telehub PGUSER=telehub
  export PGPASSWORD=$(cat "$secret")
  OWN_SERVER=1
  # the server's own binaries (pg_ctl is not on PATH in Debian), as the hub finds them
  OWN_BIN=${OWN_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
fi

# the hub's own server runs with the hub; a restore (hub stopped) starts it for the time of the restore
own_server_as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$OWN_OS_USER" -- "$@"; else "$@"; fi; }
own_server_start() {
  OWN_STARTED=
  "$PG_BIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT" && return 0
  own_server_as_user "$OWN_BIN/pg_ctl" -D "$OWN_DATA_DIR" -l "$OWN_DATA_DIR/restore-server.log" -w -t 120 start \
    >/dev/null || { echo "cannot start the hub's PostgreSQL in $OWN_DATA_DIR (see its restore-server.log)" >&2; exit 1; }
  OWN_STARTED=1
}
own_server_stop() {
  [ -n "${OWN_STARTED:-}" ] || return 0
  # a hub started meanwhile has taken the server over: it is the hub's to stop now
  if [ -f "$HOME_DIR/karaf.pid" ] && kill -0 "$(cat "$HOME_DIR/karaf.pid")" 2>/dev/null; then return 0; fi
  own_server_as_user "$OWN_BIN/pg_ctl" -D "$OWN_DATA_DIR" -m fast -w stop >/dev/null || true
}

if [ -z "${PG_BIN:-}" ]; then
  if command -v pg_dump >/dev/null 2>&1; then
    PG_BIN=$(dirname "$(command -v pg_dump)")
  else
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
fi
[ -x "${PG_BIN:-}/pg_dump" ] && [ -x "$PG_BIN/pg_restore" ] && [ -x "$PG_BIN/pg_isready" ] \
  || { echo "PostgreSQL client tools (pg_dump, pg_restore) not found; set PG_BIN or install postgresql-client" >&2; exit 1; }

FILES_CFG=etc/org.telehub.files.cfg
FILES_DIR=$(cfg_value "$FILES_CFG" directory | expand_props)
KEY_FILE=$(cfg_value "$FILES_CFG" keyFile | expand_props)
FILES_DIR=${FILES_DIR:-$KARAF_DATA_DIR/telehub/files}
KEY_FILE=${KEY_FILE:-$KARAF_DATA_DIR/telehub/files.key}
