package dev.assistant.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports that were free a moment ago, so tests never collide with a developer's broker on 9092. They
 * are drawn below the kernel's ephemeral range: a port from that range (what binding port 0 hands
 * out) can be taken as the local end of some outgoing connection (an admin client's, the broker's
 * own) before the service the test meant it for binds it. Ports a test derives by adding a little
 * (a scaled instance's port + 10) stay below the range too.
 */
final class FreePorts {
  private static final int LOW = 20_000;
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  static synchronized int next() {
    int high = ephemeralLow() - 100;
    for (int tries = 0; tries < 1000; tries++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, high);
      if (!GIVEN.contains(port) && bindable(port) && bindable(port + 10)) {
        GIVEN.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port found between " + LOW + " and " + high);
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Linux's {@code ip_local_port_range} start, or its usual default. */
  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Math.max(LOW + 1000, Integer.parseInt(range.split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
