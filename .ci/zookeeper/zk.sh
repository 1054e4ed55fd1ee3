#!/usr/bin/env bash
# Starts or stops a real standalone ZooKeeper 3.9.5 server on loopback, from the Maven jars.
#   zk.sh start [port]   prints host:port once the server answers "ruok"
#   zk.sh stop
# State (config, data, log, pid) lives in .ci/zookeeper/target.
set -euo pipefail
cd "$(dirname "$0")"
state=target
port=${2:-22181}

ask() { # four-letter word to the server; empty on failure
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf '%s' "$1" >&3
  timeout 2 cat <&3 || true
  exec 3>&- 3<&-
}

case "${1:-}" in
  start)
    mkdir -p "$state/data"
    mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath \
      -Dmdep.outputFile="$state/classpath.txt" >&2
    cat > "$state/zoo.cfg" <<CFG
tickTime=200
dataDir=$PWD/$state/data
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
CFG
    nohup java -Xmx256m -cp "$(cat "$state/classpath.txt")" \
      org.apache.zookeeper.server.ZooKeeperServerMain "$state/zoo.cfg" \
      > "$state/zookeeper.log" 2>&1 &
    echo $! > "$state/zookeeper.pid"
    for _ in $(seq 1 300); do
      if [ "$(ask ruok)" = "imok" ]; then
        echo "127.0.0.1:$port"
        exit 0
      fi
      if ! kill -0 "$(cat "$state/zookeeper.pid")" 2>/dev/null; then
        cat "$state/zookeeper.log" >&2
        echo "ZooKeeper exited during start-up" >&2
        exit 1
      fi
      read -r -t 0.1 < /dev/zero || true # wait 100 ms without a busy loop
    done
    echo "ZooKeeper did not answer ruok on 127.0.0.1:$port within 30 s" >&2
    exit 1
    ;;
  stop)
    if [ -f "$state/zookeeper.pid" ]; then
      kill "$(cat "$state/zookeeper.pid")" 2>/dev/null || true
      rm -f "$state/zookeeper.pid"
    fi
    ;;
  *)
    echo "usage: zk.sh start [port] | stop" >&2
    exit 2
    ;;
esac
