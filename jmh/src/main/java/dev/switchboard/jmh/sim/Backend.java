package dev.switchboard.jmh.sim;

/**
 * One simulated server: a fixed number of workers and a FIFO queue of requests waiting for one
 * (or no limit on workers, so nothing ever waits). It only tracks which request is where; the
 * simulation schedules the completions.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class Backend {
  private final int workers;
  private int[] queue = new int[16]; // circular buffer of request indexes
  private int head;
  private int size;
  private int busy;
  private int maxWaiting;

  /** Creates a backend with {@code workers} workers, or no limit if {@code workers} is 0. */
  public Backend(int workers) {
    this.workers = workers > 0 ? workers : Integer.MAX_VALUE;
  }

  /**
   * Accepts {@code request}; returns true if a worker starts it now, false if it waits in the
   * queue.
   */
  public boolean arrive(int request) {
    if (busy < workers) {
      busy++;
      return true;
    }
    if (size == queue.length) {
      int[] grown = new int[queue.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = queue[(head + i) % queue.length];
      }
      queue = grown;
      head = 0;
    }
    queue[(head + size) % queue.length] = request;
    size++;
    maxWaiting = Math.max(maxWaiting, size);
    return false;
  }

  /**
   * Frees the worker of a finished request; returns the waiting request it starts next, or -1 if
   * none waits (the worker goes idle).
   */
  public int finish() {
    if (size == 0) {
      busy--;
      return -1;
    }
    int next = queue[head];
    head = (head + 1) % queue.length;
    size--;
    return next;
  }

  /** Returns the number of requests waiting for a worker. */
  public int waiting() {
    return size;
  }

  /** Returns the most requests that ever waited at once. */
  public int maxWaiting() {
    return maxWaiting;
  }
}
