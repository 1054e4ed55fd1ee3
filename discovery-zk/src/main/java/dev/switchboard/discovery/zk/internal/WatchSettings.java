package dev.switchboard.discovery.zk.internal;

import java.time.Duration;

/**
 * How the watches of one registry read ZooKeeper. Immutable.
 *
 * @param connectionTimeoutMs how long a new watch waits for ZooKeeper before using its disk
 *     snapshot or reporting the registry unreachable
 * @param debounceMs how long changes are gathered before a snapshot is published
 * @param dropProtection how long instances lost in a mass drop are kept
 * @param maxInstances the most instances accepted for one service
 * @param snapshots the disk snapshot store, or {@code null} for none
 * @param addresses which advertised addresses are acceptable
 */
record WatchSettings(long connectionTimeoutMs, long debounceMs, Duration dropProtection,
    int maxInstances, SnapshotStore snapshots, AddressPolicy addresses) {}
