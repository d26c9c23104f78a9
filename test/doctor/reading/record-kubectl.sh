#!/bin/sh
# Records kubectl's reading of every file in test/doctor/reading.
cd "$1"
echo "{"
first=1
for f in $(ls | grep -v kubectl.json | sort); do
  out=$(/usr/lib/google-cloud-sdk/bin/kubectl.1.33 annotate --local -f "$f" doctor-reading=1 -o json 2>/tmp/kerr)
  if [ $? -eq 0 ]; then
    val=$(printf '%s' "$out" | python3 -c 'import json,sys
dec=json.JSONDecoder(); s=sys.stdin.read(); i=0; out=[]
while i < len(s):
    while i < len(s) and s[i].isspace(): i+=1
    if i>=len(s): break
    o,i=dec.raw_decode(s,i)
    items = o["items"] if o.get("kind")=="List" and "items" in o and "metadata" in o and o["metadata"]=={"resourceVersion": ""} else [o]
    for it in items:
        a=it["metadata"]["annotations"]; a.pop("doctor-reading")
        if not a: it["metadata"].pop("annotations")
        out.append(it)
print(json.dumps({"objects": out}))')
  else
    val=$(python3 -c 'import json,sys; print(json.dumps({"error": open("/tmp/kerr").read().strip()}))')
  fi
  [ $first -eq 1 ] || echo ","
  first=0
  printf '  "%s": %s' "$f" "$val"
done
echo
echo "}"
