#!/usr/bin/env bash
# The restore drill: lose the machine in the middle of a fan-out and come
# back from the Litestream replica. Run by hand from the repository root,
# never in CI (it takes about two minutes and needs Litestream):
#
#   deploy/drill.sh
#
# It runs Ajel and `litestream replicate` with a file replica, fans one
# breaking story out to 2,000 readers through a fake Telegram with a real
# round-trip delay, SIGKILLs both processes mid-fan-out, restores the
# replica into a fresh path, starts Ajel on it and lets it finish. Then it
# prints how many readers got the story, how many got it twice, and how far
# the replica was behind the lost database.
#
# Needs: go, curl, and litestream v0.5 on PATH (or LITESTREAM=/path/to/it;
# see https://litestream.io/install). Knobs: DRILL_CHATS (2000),
# DRILL_KILL_AFTER (seconds into the fan-out, 20), DRILL_LATENCY (150ms),
# DRILL_PORT (the first of three loopback ports, 18481), DRILL_KEEP=1 to
# keep the work directory.
set -euo pipefail

chats=${DRILL_CHATS:-2000}
kill_after=${DRILL_KILL_AFTER:-20}
latency=${DRILL_LATENCY:-150ms}
port=${DRILL_PORT:-18481}
litestream=${LITESTREAM:-litestream}
tg_port=$port http_port=$((port + 1))
token="123456:drill-token-not-a-secret"
ingest_token="drill-ingest-token"
marker="تمرين الاستعادة"

command -v "$litestream" >/dev/null || { echo "drill: litestream not found (set LITESTREAM=…)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ajel-drill.XXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [[ ${DRILL_KEEP:-0} == 1 ]]; then echo "drill: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
say() { printf 'drill: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
# field NAME JSON: a number from a flat JSON object.
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }

say "building into $work"
go build -o "$work/ajel" .
go build -o "$work/drill" ./deploy/drill
mkdir -p "$work/primary" "$work/restored"

"$work/drill" telegram -addr "127.0.0.1:$tg_port" -token "$token" -latency "$latency" -title "$marker" \
	>"$work/telegram.log" 2>&1 &
pids+=($!)
"$work/drill" seed -db "$work/primary/ajel.db" -chats "$chats" -topic syria

cat >"$work/litestream.yml" <<EOF
dbs:
  - path: $work/primary/ajel.db
    replica:
      url: file://$work/replica
      sync-interval: 1s
EOF
"$litestream" replicate -config "$work/litestream.yml" >"$work/litestream.log" 2>&1 &
litestream_pid=$!
pids+=("$litestream_pid")

# run_ajel DB LOG: Ajel against the fake Telegram, its HTTP server on loopback.
run_ajel() {
	env -i PATH="$PATH" HOME="$work" \
		TELEGRAM_BOT_TOKEN="$token" TELEGRAM_API_ENDPOINT="http://127.0.0.1:$tg_port/bot%s/%s" \
		DATABASE_PATH="$1" HTTP_ADDR="127.0.0.1:$http_port" INGEST_TOKEN="$ingest_token" \
		SEND_RATE=30 LOG_LEVEL=info "$work/ajel" run >"$2" 2>&1 &
	ajel_pid=$!
	pids+=("$ajel_pid")
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && return 0
		sleep 0.1
	done
	say "ajel did not come up; its log:"; cat "$2" >&2; exit 1
}
pending() { field pending "$(curl -s "http://127.0.0.1:$http_port/healthz")"; }

run_ajel "$work/primary/ajel.db" "$work/ajel-1.log"
story=$(printf '{"title":"عاجل: زلزال بقوة خمس درجات يضرب شمال غرب سوريا (%s)","text":"ضرب زلزال بقوة خمس درجات مناطق في شمال غرب سوريا صباح اليوم، وشعر به سكان حلب وإدلب. ولم ترد أنباء عن ضحايا.","url":"https://drill.example/quake","source":"غرفة التمرين","breaking":true}' "$marker")
answer=$(curl -s -H "Authorization: Bearer $ingest_token" -H 'Content-Type: application/json' -d "$story" \
	"http://127.0.0.1:$http_port/api/v1/articles")
queued=$(field queued "$answer")
[[ $queued == "$chats" ]] || { say "the story queued ${queued:-nothing} pushes, want $chats: $answer"; exit 1; }
say "story queued for $queued readers; killing Ajel and Litestream in ${kill_after}s"
sleep "$kill_after"

{ kill -KILL "$ajel_pid" "$litestream_pid"; wait "$ajel_pid" "$litestream_pid"; } 2>/dev/null || true
before=$(curl -s "http://127.0.0.1:$tg_port/drill/counts")
lost=$("$work/drill" outbox -db "$work/primary/ajel.db")
say "killed after $(field reached "$before") readers got the story; the lost database recorded $(field sent "$lost") as sent"

restore_began=$(now_ms)
"$litestream" restore -o "$work/restored/ajel.db" "file://$work/replica" >"$work/restore.log" 2>&1
restore_ms=$(($(now_ms) - restore_began))
replica=$("$work/drill" outbox -db "$work/restored/ajel.db")
say "restored in ${restore_ms} ms: the replica recorded $(field sent "$replica") as sent"

run_ajel "$work/restored/ajel.db" "$work/ajel-2.log"
for _ in $(seq 600); do
	[[ $(pending) == 0 ]] && break
	sleep 1
done
kill -TERM "$ajel_pid"
wait "$ajel_pid" 2>/dev/null || true
after=$(curl -s "http://127.0.0.1:$tg_port/drill/counts")

lost_sent=$(field sent "$lost") replica_sent=$(field sent "$replica")
lag_ms=$(($(field newest_sent_ms "$lost") - $(field newest_sent_ms "$replica")))
cat <<EOF

Restore drill: one breaking story to $chats readers, round trip $latency, SEND_RATE=30
  killed (SIGKILL, Ajel and Litestream) ${kill_after}s into the fan-out, at $(field reached "$before") readers
  replica behind the lost database:   $((lost_sent - replica_sent)) sends, ${lag_ms} ms (sync-interval 1s)
  restore (litestream restore -o):    ${restore_ms} ms
  readers who got the story:          $(field reached "$after") of $chats
  readers who got it twice or more:   $(field repeats "$after") extra pushes
EOF
