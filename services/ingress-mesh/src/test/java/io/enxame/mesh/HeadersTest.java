package io.enxame.mesh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadersTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  @Test
  void proxyV1IsOneTextLine() {
    ByteBuf b = ProxyHeader.encode("v1", new InetSocketAddress("192.168.1.20", 51234), new InetSocketAddress("10.0.0.1", 8080), ALLOC);
    assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("PROXY TCP4 192.168.1.20 10.0.0.1 51234 8080\r\n");
    b.release();
    ByteBuf v6 = ProxyHeader.encode("v1", new InetSocketAddress("::1", 4000), new InetSocketAddress("127.0.0.1", 80), ALLOC);
    assertThat(v6.toString(StandardCharsets.US_ASCII)).isEqualTo("PROXY TCP6 0:0:0:0:0:0:0:1 0:0:0:0:0:ffff:7f00:1 4000 80\r\n");
    v6.release();
  }

  @Test
  void proxyV2IsTheBinaryHeaderOfTheSpec() {
    ByteBuf b = ProxyHeader.encode("v2", new InetSocketAddress("192.168.1.20", 51234), new InetSocketAddress("10.0.0.1", 8080), ALLOC);
    // Signature, PROXY command v2, TCP over IPv4, 12 address bytes, then addresses and ports.
    assertThat(ByteBufUtil.hexDump(b)).isEqualTo("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c"
        + "c0a80114" + "0a000001" + "c822" + "1f90");
    b.release();
  }

  @Test
  void hopHeaderRoundTripsAndLeavesTheFlowBehindIt() {
    ByteBuf b = ALLOC.buffer().writeBytes(HopHeader.line("172.17.0.3", 80)).writeBytes("GET /".getBytes(StandardCharsets.US_ASCII));
    assertThat(HopHeader.decode(b)).isEqualTo(new HopHeader.Destination("172.17.0.3", 80));
    assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("GET /");
    b.release();
  }

  @Test
  void anIncompleteHopHeaderWaitsAndGarbageIsRefused() {
    ByteBuf partial = Unpooled.copiedBuffer("ENXAME-HOP 1 172.", StandardCharsets.US_ASCII);
    assertThat(HopHeader.decode(partial)).isNull();
    assertThat(partial.readerIndex()).isZero();
    assertThatThrownBy(() -> HopHeader.decode(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HopHeader.decode(Unpooled.wrappedBuffer(new byte[200]))).isInstanceOf(IllegalArgumentException.class);
  }
}
