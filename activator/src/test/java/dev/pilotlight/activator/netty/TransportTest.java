package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void ioUringAcceptsAreSingleShotSoThatAPausedListenerStaysPaused() {
    Transport.parse("auto"); // loads the class, as the gateway does before any io_uring class
    assertThat(System.getProperty(Transport.ACCEPT_MULTISHOT)).isEqualTo("false");
  }

  @Test
  void namesParseInAnyCase() {
    assertThat(Transport.parse("auto")).isEqualTo(Transport.AUTO);
    assertThat(Transport.parse(" IO_URING ")).isEqualTo(Transport.IO_URING);
    assertThat(Transport.parse("Epoll")).isEqualTo(Transport.EPOLL);
    assertThat(Transport.parse("nio")).isEqualTo(Transport.NIO);
  }

  @Test
  void anUnknownNameIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> Transport.parse("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("transport: must be one of auto, io_uring, epoll, nio (was 'kqueue')");
  }

  @Test
  void autoTakesIoUringThenEpollThenNio() {
    Transport expected =
        IoUring.isAvailable()
            ? Transport.IO_URING
            : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
    assertThat(Transport.AUTO.resolve()).isEqualTo(expected);
    assertThat(Transport.NIO.resolve()).isEqualTo(Transport.NIO);
  }

  @Test
  void aConcreteTransportTheHostCannotRunIsRefusedWithNettysReason() {
    if (IoUring.isAvailable()) {
      assertThat(Transport.IO_URING.resolve()).isEqualTo(Transport.IO_URING);
    } else {
      assertThatThrownBy(Transport.IO_URING::resolve)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("transport io_uring is not available on this host: ");
    }
  }

  @Test
  void autoMustBeResolvedBeforeUse() {
    assertThatThrownBy(Transport.AUTO::socketChannel).isInstanceOf(IllegalStateException.class);
    assertThat(Transport.EPOLL.socketChannel().getSimpleName()).isEqualTo("EpollSocketChannel");
  }
}
