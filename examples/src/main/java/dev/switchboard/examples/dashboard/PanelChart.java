package dev.switchboard.examples.dashboard;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisSpace;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws one {@link Panel} as a PNG with JFreeChart, in the colours of Grafana's dark theme: one
 * line per legend over time, gaps where a series has no value, and a shaded interval (the
 * outage). Needs no display ({@code java.awt.headless=true} is set by the caller).
 *
 * <p>Stateless; thread-safe.
 */
final class PanelChart {
  static final int WIDTH = 960;
  static final int HEIGHT = 380;
  private static final Color BACKGROUND = new Color(0x18, 0x1b, 0x1f);
  private static final Color PLOT = new Color(0x11, 0x12, 0x17);
  private static final Color GRID = new Color(0x2c, 0x32, 0x35);
  private static final Color TEXT = new Color(0xcc, 0xcc, 0xdc);
  private static final Color SHADE = new Color(0xf2, 0x49, 0x5c, 0x38);
  /** Grafana's classic palette. */
  private static final Color[] PALETTE = {new Color(0x73, 0xbf, 0x69),
      new Color(0xf2, 0xcc, 0x0c), new Color(0x8a, 0xb8, 0xff), new Color(0xff, 0x78, 0x0a),
      new Color(0xf2, 0x49, 0x5c), new Color(0x57, 0x94, 0xf2), new Color(0xb8, 0x77, 0xd9),
      new Color(0x70, 0x5d, 0xa0)};

  /**
   * An interval to shade.
   *
   * @param from start, in seconds
   * @param to end, in seconds
   * @param label written at its top
   */
  record Shading(double from, double to, String label) {}

  /** Solid, dashed, dotted: lines that coincide (a denial and the fallback it caused) stay visible. */
  private static final BasicStroke[] STROKES = {new BasicStroke(2f),
      new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {8, 6}, 0),
      new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {1, 7},
          0)};

  private PanelChart() {}

  /**
   * Writes {@code panel}'s lines (legend to value by second) as a PNG to {@code file}.
   *
   * @param seconds the time axis' length
   * @param note a line under the title
   */
  static void write(Panel panel, Map<String, ? extends Map<Double, Double>> lines,
      double seconds, Shading shading, String note, Path file) throws IOException {
    SortedSet<Double> times = new TreeSet<>();
    lines.values().forEach(line -> times.addAll(line.keySet()));
    double scale = panel.unit() == Panel.Unit.SECONDS ? 1_000 : 1;
    XYSeriesCollection dataset = new XYSeriesCollection();
    lines.forEach((legend, values) -> {
      XYSeries series = new XYSeries(legend, true, false);
      for (double time : times) {
        Double value = values.get(time);
        series.add(time, value == null ? Double.NaN : value * scale);
      }
      dataset.addSeries(series);
    });

    NumberAxis time = new NumberAxis("seconds");
    time.setRange(0, seconds);
    NumberAxis values = new NumberAxis(switch (panel.unit()) {
      case PER_SECOND -> "per second";
      case RATIO -> "of the calls";
      case SECONDS -> "milliseconds";
      case COUNT -> "";
    });
    double highest = lines.values().stream().flatMap(line -> line.values().stream())
        .mapToDouble(value -> value * scale).filter(Double::isFinite).max().orElse(0);
    values.setRange(0, Math.max(highest * 1.1, switch (panel.unit()) {
      case RATIO -> 0.01;
      case SECONDS -> 1;
      default -> 1.05;
    }));
    if (panel.unit() == Panel.Unit.RATIO) {
      values.setNumberFormatOverride(new DecimalFormat("0.#%"));
    } else if (panel.unit() == Panel.Unit.COUNT) {
      values.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    } else {
      values.setNumberFormatOverride(new DecimalFormat("0.##"));
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < dataset.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, STROKES[i % STROKES.length]);
    }
    XYPlot plot = new XYPlot(dataset, time, values, renderer);
    style(plot);
    if (shading != null) {
      IntervalMarker marker = new IntervalMarker(shading.from(), shading.to(), SHADE);
      marker.setLabel(shading.label());
      marker.setLabelPaint(TEXT);
      marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP);
      marker.setLabelTextAnchor(TextAnchor.TOP_CENTER);
      marker.setLabelOffset(new RectangleInsets(4, 0, 0, 0));
      plot.addDomainMarker(marker, Layer.BACKGROUND);
    }

    JFreeChart chart = new JFreeChart(panel.title(),
        new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
    chart.setBackgroundPaint(BACKGROUND);
    chart.getTitle().setPaint(TEXT);
    chart.getTitle().setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
    TextTitle subtitle = new TextTitle(note, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    subtitle.setPaint(TEXT.darker());
    subtitle.setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
    chart.addSubtitle(subtitle);
    LegendTitle legend = chart.getLegend();
    legend.setBackgroundPaint(BACKGROUND);
    legend.setItemPaint(TEXT);
    legend.setFrame(BlockBorder.NONE);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
    chart.setPadding(new RectangleInsets(8, 8, 8, 16));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  private static void style(XYPlot plot) {
    plot.setBackgroundPaint(PLOT);
    plot.setOutlineVisible(false);
    AxisSpace left = new AxisSpace();
    left.setLeft(64);
    plot.setFixedRangeAxisSpace(left);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    for (NumberAxis axis : new NumberAxis[] {(NumberAxis) plot.getDomainAxis(),
        (NumberAxis) plot.getRangeAxis()}) {
      axis.setLabelPaint(TEXT);
      axis.setTickLabelPaint(TEXT);
      axis.setAxisLinePaint(GRID);
      axis.setTickMarkPaint(GRID);
    }
  }
}
