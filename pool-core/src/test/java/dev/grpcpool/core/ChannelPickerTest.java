package dev.grpcpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Tests for {@link ChannelPicker}'s division-free arithmetic. */
class ChannelPickerTest {

  @Test
  void below_mapsEveryIntIntoRange() {
    int[] extremes = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x80000001, 0x7ffffffe};
    for (int bound = 1; bound <= 64; bound++) {
      for (int r : extremes) {
        assertThat(ChannelPicker.below(r, bound)).as("below(%s, %s)", r, bound).isBetween(0, bound - 1);
      }
    }
    // The largest int maps to the last slot, the smallest to the first: the whole range is used.
    assertThat(ChannelPicker.below(-1, 7)).isEqualTo(6);
    assertThat(ChannelPicker.below(0, 7)).isEqualTo(0);
  }

  @Test
  void below_isUniformOverSlots() {
    SplittableRandom random = new SplittableRandom(7);
    int bound = 6;
    int draws = 600_000;
    int[] counts = new int[bound];
    for (int i = 0; i < draws; i++) {
      counts[ChannelPicker.below(random.nextInt(), bound)]++;
    }
    // Expected 100,000 each; a standard deviation is about 290, so ±1.5 % is over 5 sigma.
    for (int c : counts) {
      assertThat(c).isBetween(98_500, 101_500);
    }
  }
}
