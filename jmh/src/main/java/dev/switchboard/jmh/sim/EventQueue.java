package dev.switchboard.jmh.sim;

import java.util.Arrays;

/**
 * The pending completions of a simulation: a binary min-heap of (virtual time, request) on
 * primitive arrays, ordered by time, then by insertion order, so that equal times are served in a
 * fixed order and runs are reproducible.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class EventQueue {
  private long[] times = new long[64];
  private long[] order = new long[64];
  private int[] requests = new int[64];
  private int size;
  private long inserted;

  /** Adds the completion of {@code request} at {@code timeNanos}. */
  public void add(long timeNanos, int request) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      order = Arrays.copyOf(order, size * 2);
      requests = Arrays.copyOf(requests, size * 2);
    }
    long seq = inserted++;
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(timeNanos, seq, times[parent], order[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, timeNanos, seq, request);
  }

  /** Returns whether no event is pending. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Returns the time of the earliest event; the queue must not be empty. */
  public long peekTime() {
    return times[0];
  }

  /** Removes the earliest event and returns its request. */
  public int poll() {
    int result = requests[0];
    size--;
    if (size > 0) {
      long time = times[size];
      long seq = order[size];
      int request = requests[size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && before(times[child + 1], order[child + 1], times[child],
            order[child])) {
          child++;
        }
        if (!before(times[child], order[child], time, seq)) {
          break;
        }
        move(child, i);
        i = child;
      }
      set(i, time, seq, request);
    }
    return result;
  }

  private static boolean before(long time, long seq, long otherTime, long otherSeq) {
    return time < otherTime || (time == otherTime && seq < otherSeq);
  }

  private void move(int from, int to) {
    set(to, times[from], order[from], requests[from]);
  }

  private void set(int i, long time, long seq, int request) {
    times[i] = time;
    order[i] = seq;
    requests[i] = request;
  }
}
