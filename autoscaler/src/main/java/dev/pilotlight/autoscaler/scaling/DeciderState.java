package dev.pilotlight.autoscaler.scaling;

/**
 * What the decider remembers between decisions of one revision.
 *
 * @param desired the last desired scale
 * @param panicSinceNanos when panic mode began, or -1 when not panicking
 * @param zeroSinceNanos when the desire first fell to zero (scale-to-zero grace), or -1
 */
public record DeciderState(int desired, long panicSinceNanos, long zeroSinceNanos) {
  public static DeciderState initial(int initialScale) {
    return new DeciderState(initialScale, -1, -1);
  }

  public boolean panicking() {
    return panicSinceNanos >= 0;
  }
}
