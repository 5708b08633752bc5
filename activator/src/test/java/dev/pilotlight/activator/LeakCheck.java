package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's paranoid leak detector for the gateway's tests, reporting into a list a test can assert
 * on instead of a log line. Installed by touching this class before any buffer is made (a static
 * initializer of the test class); {@link #assertNoLeaks} collects garbage and lets the detector
 * report.
 */
public final class LeakCheck {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          @SuppressWarnings("deprecation")
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            ResourceLeakDetector<T> d = new ResourceLeakDetector<>(resource, samplingInterval);
            d.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
            return d;
          }
        });
  }

  private LeakCheck() {}

  public static void install() {
    // the static initializer did it
  }

  public static void assertNoLeaks() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      System.runFinalization();
      // the detector reports collected leaks when it tracks new buffers
      for (int i = 0; i < 100; i++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
    assertThat(LEAKS).as("buffers never released").isEmpty();
  }
}
