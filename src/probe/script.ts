/**
 * The probe Job's script, POSIX sh (busybox ash in curlimages/curl, dash or
 * bash elsewhere), parameterised only by its environment so that a test can
 * run it as rendered against a local stand-in:
 *
 * - PROBE_URL: what to request
 * - PROBE_REQUESTS: how many answers to compare
 * - PROBE_INTERVAL_SECONDS: pause between requests
 * - PROBE_WAIT_SECONDS: how long to wait for a first answer (pods starting)
 *
 * Each answer's first line names the pod that served it (http-echo's
 * `-text=$(POD_NAME)`). The script prints every answer, then each pod with
 * its count, and exits 0 only when all answers came from one pod and none
 * failed.
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
wait_left="$PROBE_WAIT_SECONDS"

echo "affinity probe: waiting for $url to answer (up to \${wait_left}s)"
until curl -fsS -o /dev/null --max-time 5 "$url"; do
  if [ "$wait_left" -le 0 ]; then
    echo "affinity probe: FAIL: $url never answered"
    exit 2
  fi
  wait_left=$((wait_left - 1))
  sleep 1
done

# Kept in a variable: the container's root filesystem is read-only.
answers=""
failed=0
i=0
while [ "$i" -lt "$requests" ]; do
  i=$((i + 1))
  if body=$(curl -fsS --max-time 5 "$url"); then
    answer=$(printf '%s\\n' "$body" | head -n 1)
    [ -n "$answer" ] || answer="(empty answer)"
  else
    answer="(no answer)"
    failed=$((failed + 1))
  fi
  echo "request $i/$requests: $answer"
  answers="$answers$answer
"
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
if [ "$pods" -ne 1 ]; then
  echo "affinity probe: FAIL: $requests answers came from $pods pods; ClientIP affinity should keep one client on one pod"
  exit 1
fi
echo "affinity probe: PASS: all $requests answers came from $(printf '%s' "$answers" | head -n 1)"
`;
