package dev.pilotlight.cli;

/** Manifests the end-to-end tests write and edit. */
final class TestManifests {
  private TestManifests() {}

  /**
   * A Service running the sample app; {@code greeting} lands in its env, so changing it changes the
   * template; {@code traffic} is a traffic block indented for spec, or empty.
   */
  static String sampleService(String name, String greeting, String traffic) {
    return """
        apiVersion: serving.pilotlight.dev/v1
        kind: Service
        metadata:
          name: %s
        spec:
          template:
            spec:
              containers:
                - command: ["pilotlight", "sample-app"]
                  env:
                    - name: GREETING
                      value: "%s"
          %s
        """
        .formatted(name, greeting, traffic);
  }
}
