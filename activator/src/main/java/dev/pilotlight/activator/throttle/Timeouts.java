package dev.pilotlight.activator.throttle;

import java.time.Duration;

/**
 * A revision's request timeouts, with Knative's meanings.
 *
 * @param total the whole request, the wait for capacity included ({@code timeoutSeconds})
 * @param responseStart from the request sent to the response's first byte, or null ({@code
 *     responseStartTimeoutSeconds})
 * @param idle without a byte in either direction once the request is on its way, or null ({@code
 *     idleTimeoutSeconds})
 */
public record Timeouts(Duration total, Duration responseStart, Duration idle) {}
