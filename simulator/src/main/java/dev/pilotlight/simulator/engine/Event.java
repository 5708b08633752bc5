package dev.pilotlight.simulator.engine;

/** Something that happens at a virtual instant; ties run in the order they were scheduled. */
abstract class Event {
  long due;
  long seq;
  boolean cancelled;

  abstract void fire();
}
