package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Hands the handler after it one decoded message per {@code read()}, on a channel whose auto-read
 * is off: a decoder may turn one socket read into several messages (pipelined requests, a head and
 * its body), and the frontend wants them one at a time, the next only once it has dealt with the
 * last (a held request's body stays unread, pipelined requests are answered in order).
 *
 * <p>A {@code read()} that finds nothing queued is passed on to the socket and stays pending until
 * a message comes, however many read cycles that takes. (Netty's {@code FlowControlHandler} did the
 * same job until its 4.2.18 counted a {@code read()} as answered by the end of its read cycle,
 * message or not, which leaves a request that arrives in a later cycle unread unless the reader
 * asks again; it also fires a read-complete event per message.) The queue holds what one socket
 * read decoded to, so it is bounded by the read size. On removal, what is queued goes to the next
 * handler.
 */
final class OneMessagePerRead extends ChannelDuplexHandler {
  private ArrayDeque<Object> queue;
  private boolean pending;

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (queue != null && !queue.isEmpty()) {
      ctx.fireChannelRead(queue.poll());
      return;
    }
    pending = true;
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (pending && (queue == null || queue.isEmpty())) {
      pending = false;
      ctx.fireChannelRead(msg);
      return;
    }
    if (queue == null) {
      queue = new ArrayDeque<>(4);
    }
    queue.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (queue != null && !queue.isEmpty()) {
      Object msg;
      while ((msg = queue.poll()) != null) {
        ctx.fireChannelRead(msg);
      }
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  private void release() {
    if (queue != null) {
      Object msg;
      while ((msg = queue.poll()) != null) {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
