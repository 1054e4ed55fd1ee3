package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SkippedNodesTest {
  @Test
  void aNodeVersionCountsOnceHoweverOftenItIsReported() {
    SkippedNodes skipped = new SkippedNodes();
    SkippedNodes.Reader reader = skipped.reader();

    assertThat(reader.report(Map.of("/a/x", 5L, "/a/y", 6L))).containsOnly("/a/x", "/a/y");
    assertThat(reader.report(Map.of("/a/x", 5L, "/a/y", 6L))).isEmpty();
    assertThat(skipped.count()).isEqualTo(2);

    assertThat(reader.report(Map.of("/a/x", 9L, "/a/y", 6L))).containsOnly("/a/x");
    assertThat(skipped.count()).isEqualTo(3);
  }

  @Test
  void readersOfTheSameNodesCountEachVersionOnce() {
    SkippedNodes skipped = new SkippedNodes();
    SkippedNodes.Reader first = skipped.reader();
    SkippedNodes.Reader second = skipped.reader();

    assertThat(first.report(Map.of("/s/bad", 5L))).containsOnly("/s/bad");
    assertThat(second.report(Map.of("/s/bad", 5L))).isEmpty(); // counted (and warned) once
    first.report(Map.of("/s/bad", 7L));
    second.report(Map.of()); // lagging: has not seen version 7 yet, then not at all
    second.report(Map.of("/s/bad", 5L)); // an older version is no new skip
    second.report(Map.of("/s/bad", 7L));
    assertThat(skipped.count()).isEqualTo(2);

    first.close();
    second.close();
    first.report(Map.of("/s/bad", 7L)); // forgotten once nobody reports it: counts afresh
    assertThat(skipped.count()).isEqualTo(3);
  }

  @Test
  void snapshotEntriesCountEachRead() {
    SkippedNodes skipped = new SkippedNodes();
    skipped.add(2);
    skipped.add(0);
    skipped.add(2);
    assertThat(skipped.count()).isEqualTo(4);
  }
}
