/**
 * Fewest requests the probe counts. With two pods answering at random (a
 * Service without affinity, kube-proxy's iptables or nftables modes), all N
 * answers come from one pod with a chance of 2 x (1/2)^N = 1 in 2^(N-1), and
 * less with more pods: 21 requests bring a false PASS to 1 in 2^20, under
 * one in a million.
 */
export const MIN_REQUESTS = 21;

/** Longest one request may take (curl's `--max-time`), in seconds. */
export const REQUEST_SECONDS = 5;

/**
 * How long the script may run past its two waits (PROBE_WAIT_SECONDS and
 * PROBE_SPREAD_SECONDS) and its requests (each at most REQUEST_SECONDS,
 * then the interval): each wait ends by the clock, at most about 2 seconds
 * past its end (the clock's whole seconds, one pause, one request cut short
 * to what is left); the rest is the processes each request starts.
 */
export function probeSeconds(waitSeconds: number, spreadSeconds: number, requests: number, intervalSeconds: number): number {
  return (waitSeconds + 3) + (spreadSeconds + 3) + requests * (REQUEST_SECONDS + intervalSeconds + 1);
}

/**
 * The probe Job's script, POSIX sh (busybox ash in curlimages/curl, dash or
 * bash elsewhere), parameterised only by its environment so that a test can
 * run it as rendered against a local stand-in:
 *
 * - PROBE_URL: what to request
 * - PROBE_REQUESTS: how many answers to compare (at least MIN_REQUESTS)
 * - PROBE_INTERVAL_SECONDS: pause between requests
 * - PROBE_WAIT_SECONDS: how long to wait for a first answer (pods starting),
 *   in seconds by the clock
 * - PROBE_SPREAD_URL: the same pods and path through a Service without
 *   affinity, called first to see two pods answer
 * - PROBE_SPREAD_SECONDS: how long to wait for that (seconds by the clock)
 * - PROBE_IDENTITY_HEADER: the response header naming the pod; unset, the
 *   first line of the body names it (http-echo's `-text=$(POD_NAME)`)
 *
 * The script first calls PROBE_SPREAD_URL, one request a second, each with a
 * new connection, until answers have named two different pods; if none have
 * within PROBE_SPREAD_SECONDS it stops INCONCLUSIVE (exit 3): with one pod
 * Ready, or an identity alike on every pod, every answer names one pod
 * whether or not the Service is sticky, so a PASS would prove nothing.
 *
 * It then prints every answer's pod from PROBE_URL, then each pod with its
 * count, and exits 0 only when every request got an answer, every answer
 * named its pod, and all named the same one. An answer that does not name
 * its pod is a failure, never a pod of its own: pods that answer alike would
 * otherwise pass whether or not the Service is sticky.
 *
 * Both waits are measured by the clock (`date +%s`), and no request outlasts
 * the end of its wait by more than a second, so the script ends within
 * `probeSeconds()` on every path, a Service that never answers included.
 *
 * Exit codes: 0 PASS, 1 FAIL, 2 the Service never answered, 3 INCONCLUSIVE
 * (also for fewer than MIN_REQUESTS requests).
 *
 * Tools it runs, besides sh's builtins: curl, date, sleep, awk, head, tr,
 * sort, uniq and wc.
 *
 * Kubernetes expands `$(NAME)` in a container's command when NAME is one of
 * its env variables, and reduces `$$` to `$`; the script uses neither form.
 */
export function probeScript(): string {
  return SCRIPT;
}

const SCRIPT = `set -u
url="$PROBE_URL"
requests="$PROBE_REQUESTS"
interval="$PROBE_INTERVAL_SECONDS"
wait_seconds="$PROBE_WAIT_SECONDS"
spread_url="$PROBE_SPREAD_URL"
spread_seconds="$PROBE_SPREAD_SECONDS"
header="\${PROBE_IDENTITY_HEADER:-}"
if [ -n "$header" ]; then
  identity="response header $header"
else
  identity="first line of the body"
fi
if [ "$requests" -lt ${MIN_REQUESTS} ]; then
  echo "affinity probe: INCONCLUSIVE: $requests requests are too few: a Service without affinity over two pods would give them all from one pod with a chance of 1 in 2^$((requests - 1)); at least ${MIN_REQUESTS} bring it under one in a million"
  exit 3
fi

# Seconds a request may take so as to end by $1 (seconds since the epoch):
# at most ${REQUEST_SECONDS}, and at least 1, so that a wait of 0 still makes one request.
budget() {
  b=$(($1 - $(date +%s)))
  if [ "$b" -gt ${REQUEST_SECONDS} ]; then b=${REQUEST_SECONDS}; fi
  if [ "$b" -lt 1 ]; then b=1; fi
  echo "$b"
}

# One answer from $1, taking at most $2 seconds: the headers when a header
# names the pod, else the body.
fetch() {
  if [ -n "$header" ]; then
    curl -fsS --max-time "$2" -o /dev/null -D - "$1"
  else
    curl -fsS --max-time "$2" "$1"
  fi
}

# The pod's name in an answer, or nothing. Field names are matched without
# regard to case, as HTTP defines them.
pod_of() {
  if [ -n "$header" ]; then
    awk -v h="$header" 'BEGIN { h = tolower(h) }
      { sub(/\\r$/, ""); i = index($0, ":") }
      i > 1 && tolower(substr($0, 1, i - 1)) == h { v = substr($0, i + 1); gsub(/^[ \\t]+|[ \\t]+$/, "", v); print v; exit }'
  else
    head -n 1 | tr -d '\\r'
  fi
}

echo "affinity probe: waiting for $url to answer (up to \${wait_seconds}s); each answer names its pod in its $identity"
wait_end=$(($(date +%s) + wait_seconds))
until curl -fsS -o /dev/null --max-time "$(budget "$wait_end")" "$url"; do
  if [ "$(date +%s)" -ge "$wait_end" ]; then
    echo "affinity probe: FAIL: $url never answered within \${wait_seconds}s"
    exit 2
  fi
  sleep 1
done

# Two pods must answer before stickiness means anything: one Ready pod
# answers every request, sticky or not. Each curl is a new connection, and
# the spread Service has no affinity, so the Service proxy picks a Ready
# pod afresh for each request.
echo "affinity probe: waiting for answers from two pods without affinity, from $spread_url (up to \${spread_seconds}s)"
spread_end=$(($(date +%s) + spread_seconds))
first_pod=""
second_pod=""
while :; do
  if reply=$(fetch "$spread_url" "$(budget "$spread_end")"); then
    pod=$(printf '%s\\n' "$reply" | pod_of)
    if [ -n "$pod" ] && [ -z "$first_pod" ]; then
      first_pod="$pod"
      echo "without affinity: $pod"
    elif [ -n "$pod" ] && [ "$pod" != "$first_pod" ]; then
      second_pod="$pod"
      echo "without affinity: $pod"
      break
    fi
  fi
  if [ "$(date +%s)" -ge "$spread_end" ]; then
    break
  fi
  sleep 1
done
if [ -z "$first_pod" ]; then
  echo "affinity probe: INCONCLUSIVE: no answer from $spread_url named its pod in its $identity within \${spread_seconds}s; without two pods answering, stickiness cannot be told apart from a single pod"
  exit 3
fi
if [ -z "$second_pod" ]; then
  echo "affinity probe: INCONCLUSIVE: within \${spread_seconds}s every answer without affinity came from $first_pod: fewer than two pods are Ready, or the $identity is alike on every pod; one pod answers every request whether or not the Service is sticky, so stickiness was not tested"
  exit 3
fi

# Kept in a variable: the container's root filesystem is read-only.
answers=""
failed=0
unnamed=0
i=0
while [ "$i" -lt "$requests" ]; do
  i=$((i + 1))
  if reply=$(fetch "$url" ${REQUEST_SECONDS}); then
    pod=$(printf '%s\\n' "$reply" | pod_of)
    if [ -n "$pod" ]; then
      echo "request $i/$requests: $pod"
      answers="$answers$pod
"
    else
      echo "request $i/$requests: (answer without a pod name in its $identity)"
      unnamed=$((unnamed + 1))
    fi
  else
    echo "request $i/$requests: (no answer)"
    failed=$((failed + 1))
  fi
  if [ "$i" -lt "$requests" ] && [ "$interval" -gt 0 ]; then
    sleep "$interval"
  fi
done

echo "affinity probe: answers per pod:"
printf '%s' "$answers" | sort | uniq -c | sort -rn
pods=$(printf '%s' "$answers" | sort -u | wc -l | tr -d ' ')
if [ "$failed" -gt 0 ]; then
  echo "affinity probe: FAIL: $failed of $requests requests got no answer"
  exit 1
fi
if [ "$unnamed" -gt 0 ]; then
  echo "affinity probe: FAIL: $unnamed of $requests answers did not name their pod in the $identity; an answer that does not say which pod sent it proves nothing"
  exit 1
fi
if [ "$pods" -ne 1 ]; then
  echo "affinity probe: FAIL: $requests answers came from $pods pods; ClientIP affinity should keep one client on one pod"
  exit 1
fi
echo "affinity probe: PASS: all $requests answers came from $(printf '%s' "$answers" | head -n 1), while without affinity both $first_pod and $second_pod answered; by chance alone, two or more pods answering at random would give all $requests answers from one pod at most once in 2^$((requests - 1)) runs"
`;
