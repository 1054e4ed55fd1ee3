package dev.switchboard.jmh.sim;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * The event loop of the open-loop simulations: {@code requests} Poisson arrivals at
 * {@code perSecond}, interleaved in virtual-time order with the completions the arrivals put on
 * the queue; virtual time is handed to {@code now} before each event. The arrival after request
 * {@code k} is drawn once {@code k} has arrived, so runs are reproducible from the seed.
 * Stateless.
 */
final class OpenLoop {
  private OpenLoop() {}

  static void run(int requests, double perSecond, SplittableRandom arrivals,
      EventQueue completions, LongConsumer now, IntConsumer arrive, IntConsumer complete) {
    double meanGapNanos = 1e9 / perSecond;
    double clock = 0;
    int next = 0;
    long nextArrival = 0;
    while (next < requests || !completions.isEmpty()) {
      if (next < requests && (completions.isEmpty() || nextArrival < completions.peekTime())) {
        now.accept(nextArrival);
        arrive.accept(next);
        next++;
        clock += meanGapNanos * arrivals.nextExponential();
        nextArrival = (long) clock;
      } else {
        now.accept(completions.peekTime());
        complete.accept(completions.poll());
      }
    }
  }
}
