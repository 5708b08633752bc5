package dev.pilotlight.loadtest.report;

/**
 * One phase of an open-loop run, measured on its own.
 *
 * @param index the phase's place in {@code --phases}, from 1
 * @param startS when it began, seconds on the run's axis
 * @param durationS how long it lasted as scheduled
 * @param rate the rate it asked for, requests per second (0: an idle phase, observed only)
 * @param responses responses recorded during it
 * @param throughputRps {@code responses} over its duration
 * @param p50Ms latency p50 of those responses, ms (0 without any)
 * @param p99Ms latency p99, ms
 */
public record PhaseResult(
    int index,
    double startS,
    double durationS,
    double rate,
    long responses,
    double throughputRps,
    double p50Ms,
    double p99Ms) {}
