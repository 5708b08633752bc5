package dev.pilotlight.controller.node;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.controller.runtime.InstanceListener;
import dev.pilotlight.controller.runtime.InstanceSet;
import dev.pilotlight.controller.runtime.InstanceView;
import dev.pilotlight.controller.runtime.WorkloadRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link WorkloadRuntime} that records what it is told ({@code apply default/rev 1}, {@code
 * reserve default/rev true}, {@code delete default/rev}) and reports the instances a test gives it.
 */
final class RecordingRuntime implements WorkloadRuntime {
  final List<String> calls = new ArrayList<>();
  final Map<RevisionKey, List<InstanceView>> instances = new HashMap<>();

  /** When set, {@link #apply} refuses every revision with this message. */
  String refusal;

  private InstanceListener listener = set -> {};

  @Override
  public void apply(Revision revision, int standardReplicas) {
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
    calls.add("apply " + revision.key() + " " + standardReplicas);
  }

  @Override
  public void applyReserve(Revision revision, ReserveSpec reserve, boolean running) {
    calls.add("reserve " + revision.key() + " " + running);
  }

  @Override
  public void delete(RevisionKey revision) {
    calls.add("delete " + revision);
    instances.remove(revision);
  }

  @Override
  public InstanceSet observe(RevisionKey revision) {
    List<Endpoint> ready = new ArrayList<>();
    List<Endpoint> starting = new ArrayList<>();
    int notReady = 0;
    for (InstanceView i : instances.getOrDefault(revision, List.of())) {
      if (i.state() == InstanceView.State.TERMINATING || i.state() == InstanceView.State.PENDING) {
        continue;
      }
      Endpoint e =
          i.port() == null
              ? null
              : new Endpoint(i.id(), "127.0.0.1", i.port(), i.instanceClass(), Protocol.HTTP1);
      if (i.state() == InstanceView.State.READY) {
        ready.add(e);
      } else {
        notReady++;
        if (i.state() == InstanceView.State.STARTING && e != null) {
          starting.add(e);
        }
      }
    }
    return new InstanceSet(revision, ready, notReady, null, starting);
  }

  @Override
  public List<InstanceView> instances(RevisionKey revision) {
    return List.copyOf(instances.getOrDefault(revision, List.of()));
  }

  /** The revision's instances are now these: the listener is told. */
  void publish(RevisionKey revision, InstanceView... now) {
    instances.put(revision, List.of(now));
    listener.onInstances(observe(revision));
  }

  @Override
  public void setListener(InstanceListener listener) {
    this.listener = listener;
  }

  @Override
  public void close() {}
}
