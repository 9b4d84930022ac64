package dev.grpcpool.bench.load.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The shape every refusal of bad input in this package must have: one line that names the problem. */
final class Refusals {
  private Refusals() {}

  /** Asserts that {@code call} throws an IllegalArgumentException of one line containing every one of {@code words}. */
  static void assertRefused(ThrowingCallable call, String... words) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(words).doesNotContain("\n", "\r"));
  }
}
