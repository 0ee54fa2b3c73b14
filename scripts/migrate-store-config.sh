#!/usr/bin/env bash
# Full store migration ("option 3" of BADGER_MIGRATION_GUIDE.md): rewrite every event under new
# write settings (inline threshold / percentile, compression, value-log segment size), which
# otherwise apply only to new writes.
#
#   preflight → export (outside the data dir) → move the data dir to a timestamped backup →
#   new store with the new settings ← import → verify (count + id digest equal, lode verify clean)
#
# Every step is logged with numbers to migration.log. Any failure (or Ctrl-C) after the data dir
# was moved puts the old store back. A state file records the step reached, so a run killed at
# any point can be finished by running the script again, or undone with --rollback.
set -Eeuo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/migrate-store-config.sh [options] NEW-SETTINGS...

New settings (at least one; they apply to every event after the migration):
  --inline-threshold BYTES     payloads up to this size stay inline in LMDB
  --inline-percentile P        inline threshold follows this percentile of event sizes (0-1]
  --compression none|deflate|brotli
  --value-log-file-size BYTES  value-log segment size

Options:
  --data-dir DIR        the store to migrate (default: $LODE_DATA_DIR or ./data)
  --backup-dir DIR      where the old store, the export and migration.log go
                        (default: <parent of data dir>/lode-migrations; same filesystem = instant move)
  --config FILE         lode.config.json with other store settings (e.g. mapSize)
  --verify-signatures   re-check every signature on import (default: ids only; signatures were
                        checked when the events were first stored)
  --dry-run             run the preflight checks and print the plan; change nothing
  --rollback            undo the migration recorded in the state file (put the old store back)
  -h, --help

Environment: LODE_BIN overrides how lode is run (default: node dist/cmd/lode.js when built,
else node --import tsx cmd/lode.ts). LODE_MIGRATE_FAIL_AT=export|move|import|verify makes that
step fail after it ran (to rehearse a rollback).
Exit: 0 migrated (or dry run / rollback done); 1 failed and rolled back; 2 bad usage;
3 the relay is running on the data dir; 4 preflight refused (disk space, paths); 5 rollback failed.
EOF
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${LODE_DATA_DIR:-./data}"
BACKUP_DIR=""
CONFIG=""
DRY_RUN=0
ROLLBACK=0
VERIFY_SIGS=0
SETTINGS=()

die() { echo "migrate: $2" >&2; exit "$1"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --inline-threshold|--inline-percentile|--compression|--value-log-file-size)
      [[ $# -ge 2 ]] || die 2 "$1 needs a value"
      SETTINGS+=("$1" "$2"); shift 2 ;;
    --data-dir) [[ $# -ge 2 ]] || die 2 "--data-dir needs a value"; DATA_DIR="$2"; shift 2 ;;
    --backup-dir) [[ $# -ge 2 ]] || die 2 "--backup-dir needs a value"; BACKUP_DIR="$2"; shift 2 ;;
    --config) [[ $# -ge 2 ]] || die 2 "--config needs a value"; CONFIG="$2"; shift 2 ;;
    --verify-signatures) VERIFY_SIGS=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    --rollback) ROLLBACK=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die 2 "unknown argument $1" ;;
  esac
done

abspath() { local d; d="$(dirname "$1")"; mkdir -p "$d" 2>/dev/null || true; echo "$(cd "$d" && pwd)/$(basename "$1")"; }
DATA_DIR="$(abspath "${DATA_DIR%/}")"
[[ -n "$BACKUP_DIR" ]] || BACKUP_DIR="$(dirname "$DATA_DIR")/lode-migrations"
BACKUP_DIR="$(abspath "${BACKUP_DIR%/}")"
[[ -z "$CONFIG" ]] || CONFIG="$(abspath "$CONFIG")"
STATE="$BACKUP_DIR/migrate-$(basename "$DATA_DIR").state"

if [[ -n "${LODE_BIN:-}" ]]; then
  read -r -a LODE_CMD <<<"$LODE_BIN"
elif [[ -f "$ROOT/dist/cmd/commands/digest.js" ]]; then
  LODE_CMD=(node "$ROOT/dist/cmd/lode.js")
else
  LODE_CMD=(node --import tsx "$ROOT/cmd/lode.ts")
fi
lode() {
  local extra=()
  [[ -z "$CONFIG" ]] || extra=(--config "$CONFIG")
  (cd "$ROOT" && "${LODE_CMD[@]}" "$@" "${extra[@]}")
}
# fields KEY... <<<JSON: the values at dotted KEYs, tab-separated (objects as JSON), one node start for all.
fields() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);process.stdout.write(process.argv.slice(1).map(p=>{let v=j;for(const k of p.split("."))v=v==null?v:v[k];return typeof v==="object"?JSON.stringify(v):String(v)}).join("\t"))})' "$@"; }

LOG=/dev/null
log() { local line; line="$(date -u +%Y-%m-%dT%H:%M:%SZ) $*"; echo "$line" >&2; echo "$line" >>"$LOG"; }

# ---- state file: KEY=VALUE lines, rewritten atomically ----
declare -A ST=()
load_state() { ST=(); [[ -f "$STATE" ]] || return 1; while IFS='=' read -r k v; do [[ -n "$k" ]] && ST[$k]="$v"; done <"$STATE"; return 0; }
save_state() {
  local tmp="$STATE.tmp" k
  : >"$tmp"
  for k in "${!ST[@]}"; do printf '%s=%s\n' "$k" "${ST[$k]}" >>"$tmp"; done
  sync "$tmp" 2>/dev/null || true
  mv -f "$tmp" "$STATE"
}
phase() { ST[PHASE]="$1"; save_state; log "phase: $1"; }
fail_seam() { if [[ "${LODE_MIGRATE_FAIL_AT:-}" == "$1" ]]; then log "LODE_MIGRATE_FAIL_AT=$1: failing on purpose after this step"; return 1; fi; }

# Put the old store back. Safe to repeat: each move happens only if still needed.
rollback() {
  local old="${ST[OLD_DIR]:-}" run="${ST[RUN_DIR]:-}" p="${ST[PHASE]:-}"
  case "$p" in
    ""|started|exported)
      log "rollback: the data dir was never moved; nothing to undo"
      ;;
    *)
      if [[ -d "$old" ]]; then
        if [[ -e "$DATA_DIR" ]]; then
          local failed="$run/failed-new-store-$(date -u +%Y%m%dT%H%M%SZ)"
          mv "$DATA_DIR" "$failed"
          log "rollback: moved the new (incomplete) store aside to $failed"
        fi
        mv "$old" "$DATA_DIR"
        log "rollback: the old store is back in $DATA_DIR"
      elif [[ -e "$DATA_DIR" ]]; then
        rm -rf "$old.copying"   # a cross-filesystem copy that never finished; the original is intact
        log "rollback: the old store is still in $DATA_DIR"
      else
        log "rollback: FAILED: neither $old nor $DATA_DIR holds the old store; see $LOG"
        return 5
      fi
      ;;
  esac
  mv -f "$STATE" "$STATE.rolled-back-$(date -u +%Y%m%dT%H%M%SZ)"
  log "rollback: done; the relay can be started on $DATA_DIR as before"
}

on_failure() {
  local rc=$?
  trap - ERR INT TERM
  log "FAILED (exit $rc) in phase ${ST[PHASE]:-?}; rolling back"
  if rollback; then exit 1; else exit 5; fi
}

if [[ $ROLLBACK -eq 1 ]]; then
  load_state || die 0 "no migration in progress for $DATA_DIR (no $STATE); nothing to roll back"
  LOG="${ST[RUN_DIR]}/migration.log"
  rollback || exit 5
  exit 0
fi

# ---- resume or start ----
if load_state; then
  [[ "${ST[DATA_DIR]}" == "$DATA_DIR" ]] || die 2 "state file $STATE belongs to ${ST[DATA_DIR]}"
  if [[ ${#SETTINGS[@]} -gt 0 && "${SETTINGS[*]}" != "${ST[SETTINGS]}" ]]; then
    die 2 "an interrupted migration with settings '${ST[SETTINGS]}' is recorded in $STATE; rerun with the same settings (or none) to finish it, or --rollback"
  fi
  read -r -a SETTINGS <<<"${ST[SETTINGS]}"
  VERIFY_SIGS="${ST[VERIFY_SIGS]:-0}"
  RUN_DIR="${ST[RUN_DIR]}"; OLD_DIR="${ST[OLD_DIR]}"; EXPORT="${ST[EXPORT]}"
  LOG="$RUN_DIR/migration.log"
  [[ $DRY_RUN -eq 0 ]] || die 0 "an interrupted migration is recorded in $STATE (phase ${ST[PHASE]}); run without --dry-run to finish it, or --rollback"
  log "resuming the migration of $DATA_DIR from phase ${ST[PHASE]} (run dir $RUN_DIR)"
else
  [[ ${#SETTINGS[@]} -gt 0 ]] || { usage >&2; die 2 "give at least one new setting"; }
  STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
  RUN_DIR="$BACKUP_DIR/$(basename "$DATA_DIR")-$STAMP"
  OLD_DIR="$RUN_DIR/old-store"
  EXPORT="$RUN_DIR/export.jsonl"
  ST=([DATA_DIR]="$DATA_DIR" [RUN_DIR]="$RUN_DIR" [OLD_DIR]="$OLD_DIR" [EXPORT]="$EXPORT" [SETTINGS]="${SETTINGS[*]}" [VERIFY_SIGS]="$VERIFY_SIGS" [PHASE]="")
fi

# ---- preflight (every run, resumed or not) ----
preflight() {
  local store_dir="$1" stats held bytes need avail fs
  stats="$(lode stats --json --data-dir "$store_dir" "${SETTINGS[@]}")" || {
    local rc=$?; [[ $rc -eq 2 ]] && die 2 "lode refused the settings or data dir (see above)"; die 4 "cannot read the store in $store_dir (exit $rc)"; }
  local held_pid held_purpose
  IFS=$'\t' read -r held_pid held_purpose PRE_EVENTS PRE_INLINE PRE_VLOG PRE_RECORDED \
    <<<"$(fields heldBy.pid heldBy.purpose events inline.events valueLog.events settings.recorded <<<"$stats")"
  [[ ! "$held_pid" =~ ^[0-9]+$ ]] || die 3 "the data dir is in use by PID $held_pid ($held_purpose); stop the relay first"
  bytes="$(du -sb "$store_dir" | cut -f1)"
  need=$(( bytes * 5 / 2 ))
  for fs in "$(dirname "$DATA_DIR")" "$(dirname "$BACKUP_DIR")"; do
    avail="$(df -PB1 "$fs" | awk 'NR==2 {print $4}')"
    [[ "$avail" -ge "$need" ]] || die 4 "only $avail bytes free on the filesystem of $fs; the migration needs 2.5 x the store ($bytes bytes) = $need"
  done
  PRE_BYTES="$bytes"
}

if [[ $DRY_RUN -eq 1 && ! -d "$BACKUP_DIR" ]]; then
  [[ -w "$(dirname "$BACKUP_DIR")" ]] || die 4 "cannot create the backup location $BACKUP_DIR (parent not writable)"
else
  mkdir -p "$BACKUP_DIR" && chmod 700 "$BACKUP_DIR" 2>/dev/null || true
  [[ -w "$BACKUP_DIR" ]] || die 4 "the backup location $BACKUP_DIR is not writable"
fi
case "$BACKUP_DIR/" in "$DATA_DIR/"*) die 4 "the backup location $BACKUP_DIR is inside the data dir; choose one outside it" ;; esac

if [[ -z "${ST[PHASE]}" ]]; then
  [[ -d "$DATA_DIR/lmdb" ]] || die 4 "no store in $DATA_DIR"
  preflight "$DATA_DIR"
  if [[ $DRY_RUN -eq 1 ]]; then
    cat >&2 <<EOF
dry run: preflight passed for $DATA_DIR (relay stopped, enough disk, backup location writable)
  store: $PRE_EVENTS events ($PRE_INLINE inline, $PRE_VLOG in the value log), $PRE_BYTES bytes on disk
  written under: $PRE_RECORDED
  new settings: ${SETTINGS[*]}
  plan: export to $EXPORT; move $DATA_DIR to $OLD_DIR; import into a new $DATA_DIR with the new settings;
        verify count, id digest and lode verify; log to $RUN_DIR/migration.log. Nothing was changed.
EOF
    exit 0
  fi
  mkdir -p "$RUN_DIR" && chmod 700 "$RUN_DIR"
  LOG="$RUN_DIR/migration.log"
  log "migration of $DATA_DIR to settings: ${SETTINGS[*]} (run dir $RUN_DIR)"
  log "preflight: relay stopped; $PRE_EVENTS events ($PRE_INLINE inline, $PRE_VLOG value log), $PRE_BYTES bytes on disk; written under $PRE_RECORDED"
  phase started
fi

on_signal() {
  trap - ERR INT TERM
  log "interrupted by a signal in phase ${ST[PHASE]:-?}; rolling back"
  if rollback; then exit 130; else exit 5; fi
}
trap on_failure ERR
trap on_signal INT TERM
SECONDS=0

# ---- export ----
if [[ "${ST[PHASE]}" == "started" ]]; then
  rm -f "$EXPORT" "$EXPORT.partial"
  t=$SECONDS
  lode export --data-dir "$DATA_DIR" -o "$EXPORT" --quiet 2>>"$LOG"
  at="$(date +%s)"
  read -r before_count before_sha <<<"$(lode digest --data-dir "$DATA_DIR" --at "$at")"
  read -r export_count export_sha <<<"$(lode digest --file "$EXPORT" --at "$at")"
  ST[BEFORE_COUNT]="$before_count"; ST[BEFORE_SHA]="$before_sha"
  log "export: $export_count events, $(stat -c %s "$EXPORT") bytes to $EXPORT in $((SECONDS - t)) s; old store digest $before_count $before_sha"
  [[ "$export_sha" == "$before_sha" ]] || { log "export: the export's id digest ($export_count $export_sha) differs from the store's"; false; }
  fail_seam export
  phase exported
fi

# ---- move the old store out of the way ----
if [[ "${ST[PHASE]}" == "exported" || "${ST[PHASE]}" == "moving" ]]; then
  phase moving
  if [[ ! -d "$OLD_DIR" ]]; then
    if [[ "$(stat -c %d "$(dirname "$DATA_DIR")")" == "$(stat -c %d "$RUN_DIR")" ]]; then
      mv "$DATA_DIR" "$OLD_DIR"   # same filesystem: one atomic rename
    else
      rm -rf "$OLD_DIR.copying"
      cp -a "$DATA_DIR" "$OLD_DIR.copying" && sync
      mv "$OLD_DIR.copying" "$OLD_DIR"
    fi
  fi
  rm -rf "$DATA_DIR"   # only a copied-away original (cross-filesystem) is still here
  log "move: old store is now $OLD_DIR"
  fail_seam move
  phase moved
fi

# ---- new store ← import ----
if [[ "${ST[PHASE]}" == "moved" || "${ST[PHASE]}" == "importing" ]]; then
  if [[ -e "$DATA_DIR" ]]; then   # an interrupted import: start the new store over
    mv "$DATA_DIR" "$RUN_DIR/interrupted-import-$(date -u +%Y%m%dT%H%M%SZ)"
    log "import: set aside the new store of an interrupted import"
  fi
  phase importing
  t=$SECONDS
  verify_flag=(--no-verify); [[ "${VERIFY_SIGS}" == 1 ]] && verify_flag=()
  summary="$(lode import "$EXPORT" --data-dir "$DATA_DIR" "${SETTINGS[@]}" "${verify_flag[@]}" --json --allow-rejects)"
  IFS=$'\t' read -r n_read n_stored n_dup n_invalid n_refused <<<"$(fields read stored duplicate invalid refused <<<"$summary")"
  log "import: read $n_read, stored $n_stored, duplicate $n_dup, invalid $n_invalid, refused $n_refused in $((SECONDS - t)) s"
  fail_seam import
  phase imported
fi

# ---- verify ----
if [[ "${ST[PHASE]}" == "imported" ]]; then
  t=$SECONDS
  at="$(date +%s)"
  read -r after_count after_sha <<<"$(lode digest --data-dir "$DATA_DIR" --at "$at")"
  read -r expected_count expected_sha <<<"$(lode digest --file "$EXPORT" --at "$at")"
  log "verify: new store digest $after_count $after_sha; export $expected_count $expected_sha; old store ${ST[BEFORE_COUNT]} ${ST[BEFORE_SHA]}"
  if [[ "$after_count" != "${ST[BEFORE_COUNT]}" ]]; then
    log "verify: note: $(( ${ST[BEFORE_COUNT]} - after_count )) event(s) reached their NIP-40 expiration during the migration"
  fi
  [[ "$after_sha" == "$expected_sha" ]] || { log "verify: the new store does not hold exactly the exported events"; false; }
  lode verify --data-dir "$DATA_DIR" "${SETTINGS[@]}" --quiet 2>>"$LOG"
  stats="$(lode stats --json --data-dir "$DATA_DIR" "${SETTINGS[@]}")"
  IFS=$'\t' read -r mixed n_events n_inline n_vlog recorded <<<"$(fields settings.mixed events inline.events valueLog.events settings.recorded <<<"$stats")"
  [[ "$mixed" == "false" ]] || { log "verify: the new store still holds data written under other settings"; false; }
  log "verify: lode verify clean; $n_events events ($n_inline inline, $n_vlog value log), $(du -sb "$DATA_DIR" | cut -f1) bytes on disk (was ${PRE_BYTES:-?}); written under $recorded in $((SECONDS - t)) s"
  fail_seam verify
  phase verified
fi

trap - ERR INT TERM
phase done
mv -f "$STATE" "$RUN_DIR/migrate.state.done"
log "done in ${SECONDS} s. Start the relay with the new settings in force (${SETTINGS[*]}: put them in lode.config.json or LODE_* variables), check it, then remove $OLD_DIR and $EXPORT when you no longer need a way back."
