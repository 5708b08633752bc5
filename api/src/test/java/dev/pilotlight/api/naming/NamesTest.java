package dev.pilotlight.api.naming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void knativeNames() {
    assertThat(Names.revision("hello", 1)).isEqualTo("hello-00001");
    assertThat(Names.revision("hello", 123456)).isEqualTo("hello-123456");
    assertThat(Names.host("hello", "default", "localhost")).isEqualTo("hello.default.localhost");
    assertThat(Names.tagHost("canary", "split", "ns", "example.com"))
        .isEqualTo("canary-split.ns.example.com");
    assertThat(Names.url("h.default.localhost", 8080)).isEqualTo("http://h.default.localhost:8080");
    assertThat(Names.url("h.default.example.com", 80)).isEqualTo("http://h.default.example.com");
  }

  @Test
  void dnsLabels() {
    assertThat(Names.isDnsLabel("a-1")).isTrue();
    assertThat(Names.isDnsLabel("-a")).isFalse();
    assertThat(Names.isDnsLabel("A")).isFalse();
    assertThat(Names.isDnsLabel("a".repeat(64))).isFalse();
    assertThat(Names.isDnsLabel(null)).isFalse();
  }
}
