#!/bin/sh
# Starts MongoDB as a three-member replica set `rs0` on 127.0.0.1:27017,
# 27018 and 27019, one container a member (mongo-27017, mongo-27018,
# mongo-27019) on the host's network, so that the members and the runner
# reach each other at the same addresses; returns once there is a primary
# and two secondaries. For the GitHub workflow (Docker on the runner): no
# MongoDB server can run on this project's own machines.
#
# MONGODB_IMAGE: the image (default mongo:8).
set -eu
image=${MONGODB_IMAGE:-mongo:8}
ports="27017 27018 27019"
for port in $ports; do
  docker run -d --name "mongo-$port" --network host "$image" \
    --replSet rs0 --port "$port" --bind_ip 127.0.0.1
done
for port in $ports; do
  for _ in $(seq 1 60); do
    docker exec "mongo-$port" mongosh --port "$port" --quiet \
      --eval 'db.runCommand({ ping: 1 }).ok' >/dev/null 2>&1 && break
    sleep 1
  done
done
docker exec mongo-27017 mongosh --port 27017 --quiet --eval "rs.initiate({ _id: 'rs0', members: [
  { _id: 0, host: '127.0.0.1:27017' },
  { _id: 1, host: '127.0.0.1:27018' },
  { _id: 2, host: '127.0.0.1:27019' } ] })"
states=
for _ in $(seq 1 120); do
  states=$(docker exec mongo-27017 mongosh --port 27017 --quiet \
    --eval 'rs.status().members.map((m) => m.stateStr).sort().join(",")' 2>/dev/null || true)
  if [ "$states" = "PRIMARY,SECONDARY,SECONDARY" ]; then
    echo "replica set rs0: $states"
    exit 0
  fi
  sleep 1
done
echo "replica set rs0 did not come up: ${states:-no answer}" >&2
exit 1
