package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OneMessagePerReadTest {
  final List<Object> delivered = new ArrayList<>();
  int socketReads;
  ChannelHandlerContext downstream;

  EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAutoRead(false);
    ch.pipeline()
        .addLast(
            "socket-reads",
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void read(ChannelHandlerContext ctx) {
                socketReads++;
                ctx.read();
              }
            })
        .addLast("one", new OneMessagePerRead())
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void handlerAdded(ChannelHandlerContext ctx) {
                downstream = ctx;
              }

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                delivered.add(msg);
              }
            });
    return ch;
  }

  /** One socket read that decoded to these messages: reads, then the read cycle's end. */
  static void cycle(EmbeddedChannel ch, Object... messages) {
    for (Object m : messages) {
      ch.pipeline().fireChannelRead(m);
    }
    ch.pipeline().fireChannelReadComplete();
  }

  @Test
  void aReadStaysPendingAcrossReadCyclesUntilAMessageComes() {
    EmbeddedChannel ch = channel();
    downstream.read();
    assertThat(socketReads).isOne();
    cycle(ch); // a read cycle that decoded nothing (half a request head, say)
    cycle(ch, "request");
    assertThat(delivered).containsExactly("request");
  }

  @Test
  void messagesOfOneReadComeOutOneReadAtATimeInOrder() {
    EmbeddedChannel ch = channel();
    downstream.read();
    cycle(ch, "first", "second", "third");
    assertThat(delivered).containsExactly("first");
    downstream.read();
    downstream.read();
    assertThat(delivered).containsExactly("first", "second", "third");
    assertThat(socketReads).as("served from the queue, not the socket").isOne();
    downstream.read();
    assertThat(socketReads).isEqualTo(2);
    cycle(ch, "fourth");
    assertThat(delivered).containsExactly("first", "second", "third", "fourth");
  }

  @Test
  void nothingIsDeliveredUnasked() {
    EmbeddedChannel ch = channel();
    cycle(ch, "early");
    assertThat(delivered).isEmpty();
    downstream.read();
    assertThat(delivered).containsExactly("early");
  }

  @Test
  void onRemovalTheQueuedMessagesGoToTheNextHandler() {
    EmbeddedChannel ch = channel();
    cycle(ch, "a", "b");
    ch.pipeline().remove("one");
    assertThat(delivered).containsExactly("a", "b");
  }

  @Test
  void queuedBuffersAreReleasedWhenTheConnectionCloses() {
    EmbeddedChannel ch = channel();
    ByteBuf body = Unpooled.buffer(8).writeLong(1);
    cycle(ch, body);
    ch.close();
    assertThat(body.refCnt()).isZero();
    assertThat(delivered).isEmpty();
  }
}
