# Sourced by bin/telehub-backup and bin/telehub-restore (from the hub's home directory): finds the hub's database
# (exported as PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD for the PostgreSQL tools; the password never appears on
# a command line), the PostgreSQL client tools (PG_BIN), the file store directory (FILES_DIR) and its key (KEY_FILE).

# value of KEY in a Config Admin .cfg file ("key = value" or "key=value"), empty if absent or commented out
cfg_value() {
  [ -f "$1" ] || return 0
  sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$1" | tail -1 | sed 's/[[:space:]]*$//'
}

KARAF_DATA_DIR=${KARAF_DATA:-$HOME_DIR/data}
expand_props() { sed -e "s#\${karaf.data}#$KARAF_DATA_DIR#g" -e "s#\${karaf.home}#$HOME_DIR#g" -e "s#\${karaf.base}#$HOME_DIR#g"; }

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
  export PGPASSWORD=$(cfg_value "$DS_CFG" password)
elif [ -n "${PGHOST:-}" ] && [ -n "${PGDATABASE:-}" ]; then
  : # the hub's own PostgreSQL (or any other), given in the environment
else
  echo "no $DS_CFG: the hub runs its own PostgreSQL. Set PGHOST (its socket directory or 127.0.0.1), PGPORT," >&2
  echo "PGUSER, PGPASSWORD and PGDATABASE to reach it (see docs/operations.md, Backup and restore)" >&2
  exit 1
fi

if [ -z "${PG_BIN:-}" ]; then
  if command -v pg_dump >/dev/null 2>&1; then
    PG_BIN=$(dirname "$(command -v pg_dump)")
  else
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
fi
[ -x "${PG_BIN:-}/pg_dump" ] && [ -x "$PG_BIN/pg_restore" ] \
  || { echo "PostgreSQL client tools (pg_dump, pg_restore) not found; set PG_BIN or install postgresql-client" >&2; exit 1; }

FILES_CFG=etc/org.telehub.files.cfg
FILES_DIR=$(cfg_value "$FILES_CFG" directory | expand_props)
KEY_FILE=$(cfg_value "$FILES_CFG" keyFile | expand_props)
FILES_DIR=${FILES_DIR:-$KARAF_DATA_DIR/telehub/files}
KEY_FILE=${KEY_FILE:-$KARAF_DATA_DIR/telehub/files.key}
