package bnnsr.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.util.Map;

/** Line charts rendered to PNG by XChart, for embedding in the HTML report. */
final class Charts {
    static final int WIDTH = 560, HEIGHT = 340;

    private Charts() {}

    /** One chart: each entry of {@code series} is a name and its (x[], y[]); series without points are left out. */
    static byte[] png(String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean logY) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setAntiAlias(true);
        for (var e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length == 0) continue;
            XYSeries s = chart.addSeries(e.getKey(), xy[0], xy[1]);
            s.setMarker(xy[0].length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
