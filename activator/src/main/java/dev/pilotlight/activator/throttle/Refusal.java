package dev.pilotlight.activator.throttle;

/** Why a request gets no slot: refused at once ({@link RevisionThrottler.Rejected}) or revoked. */
public enum Refusal {
  /** The revision's holding queue is full. */
  QUEUE_FULL,
  /** The revision is gone. */
  REVISION_REMOVED,
  /** The gateway is stopping and its drain grace is over: a held request will not be served. */
  GATEWAY_STOPPING
}
