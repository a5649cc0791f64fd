package dev.assistant.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Item latency percentiles over a run, drawn with java.awt into a PNG (headless: no display is
 * needed). The run is cut into equal time windows by the items' finishing times; each window's p50,
 * p90 and p99 (nearest rank) are plotted at its middle.
 */
final class LatencyPlot {
  /** One finished item: when (seconds since the run started) and how long it took. */
  record Point(double atSeconds, double latencyMs) {}

  /** One window's percentiles. */
  record Window(double midSeconds, int items, double p50, double p90, double p99) {}

  private static final int WIDTH = 960;
  private static final int HEIGHT = 540;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private LatencyPlot() {}

  static List<Window> windows(List<Point> points, int count) {
    double end = points.stream().mapToDouble(Point::atSeconds).max().orElse(0);
    double width = Math.max(1e-9, end / count);
    List<Window> out = new ArrayList<>();
    for (int w = 0; w < count; w++) {
      double from = w * width;
      double to = (w + 1) * width;
      boolean last = w == count - 1;
      double[] l =
          points.stream()
              .filter(p -> p.atSeconds() >= from && (p.atSeconds() < to || last))
              .mapToDouble(Point::latencyMs)
              .sorted()
              .toArray();
      if (l.length > 0) {
        out.add(new Window((from + to) / 2, l.length, rank(l, 0.5), rank(l, 0.9), rank(l, 0.99)));
      }
    }
    return out;
  }

  static double rank(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double quantile(List<Point> points, double q) {
    double[] l = points.stream().mapToDouble(Point::latencyMs).sorted().toArray();
    return l.length == 0 ? Double.NaN : rank(l, q);
  }

  static void draw(List<Window> windows, String title, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);

    double maxX = windows.stream().mapToDouble(Window::midSeconds).max().orElse(1) * 1.05;
    double maxY = niceCeiling(windows.stream().mapToDouble(Window::p99).max().orElse(1) * 1.1);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i <= 5; i++) {
      int y = TOP + plotH - plotH * i / 5;
      g.setColor(new Color(225, 225, 225));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%.0f", maxY * i / 5);
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    for (int i = 0; i <= 5; i++) {
      int x = LEFT + plotW * i / 5;
      String label = String.format(Locale.ROOT, "%.0f", maxX * i / 5);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.drawString(
        "seconds since the batch started (window middle)", LEFT + plotW / 2 - 140, HEIGHT - 18);
    Graphics2D v = (Graphics2D) g.create();
    v.rotate(-Math.PI / 2);
    v.drawString("item latency, ms (submit to completed)", -(TOP + plotH / 2 + 110), 22);
    v.dispose();
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, 30);

    Color[] colors = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(214, 39, 40)};
    String[] names = {"p50", "p90", "p99"};
    g.setStroke(new BasicStroke(2f));
    for (int s = 0; s < 3; s++) {
      g.setColor(colors[s]);
      int px = -1;
      int py = -1;
      for (Window w : windows) {
        double val = s == 0 ? w.p50() : s == 1 ? w.p90() : w.p99();
        int x = LEFT + (int) Math.round(plotW * w.midSeconds() / maxX);
        int y = TOP + plotH - (int) Math.round(plotH * val / maxY);
        g.fillOval(x - 3, y - 3, 6, 6);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      g.fillRect(LEFT + plotW - 90, TOP + 12 + 18 * s, 14, 4);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(Color.BLACK);
      g.drawString(names[s], LEFT + plotW - 70, TOP + 18 + 18 * s);
    }
    g.dispose();
    if (!ImageIO.write(img, "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  private static double niceCeiling(double v) {
    double step = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1))));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * step >= v) {
        return m * step;
      }
    }
    return 10 * step;
  }

  static String table(List<Window> windows) {
    StringBuilder b = new StringBuilder("  window mid s   items   p50 ms   p90 ms   p99 ms\n");
    for (Window w : windows) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %12.1f %7d %8.0f %8.0f %8.0f%n",
              w.midSeconds(),
              w.items(),
              w.p50(),
              w.p90(),
              w.p99()));
    }
    return b.toString();
  }

  static double[] sorted(double[] values) {
    double[] c = values.clone();
    Arrays.sort(c);
    return c;
  }
}
