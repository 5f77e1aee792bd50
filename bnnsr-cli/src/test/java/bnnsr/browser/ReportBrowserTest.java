package bnnsr.browser;

import bnnsr.cli.Main;
import bnnsr.cli.ReportCommandTest;
import bnnsr.engine.DefaultModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A generated report opened in headless Chromium: every chart and crop decodes and shows (natural width > 0). */
class ReportBrowserTest {
    @TempDir Path dir;

    @Test void chartsAndCropsRender() throws Exception {
        ChromeDriver browser = Chromium.start(dir, Files.createDirectories(dir.resolve("downloads")));
        try {
            Path out = dir.resolve("report.html"), model = dir.resolve("default_x4.safetensors");
            Files.copy(DefaultModel.find(4).orElseThrow(), model);
            int exit = Main.commandLine().execute("report", "--model", model.toString(),
                    "--data", ReportCommandTest.smallSet(dir).toString(), "--run", ReportCommandTest.runFolder(dir, "run", true).toString(),
                    "--crops", "1", "-o", out.toString());
            assertEquals(0, exit);
            browser.get(out.toUri().toString());
            @SuppressWarnings("unchecked")
            List<List<Object>> images = (List<List<Object>>) browser.executeScript(
                    "return Array.from(document.images).map(i => [i.className, i.complete, i.naturalWidth, i.naturalHeight]);");
            assertEquals(4, images.stream().filter(i -> i.get(0).equals("chart")).count(), images.toString());
            assertEquals(6, images.stream().filter(i -> i.get(0).equals("crop")).count(), images.toString());
            for (List<Object> i : images) {
                assertEquals(Boolean.TRUE, i.get(1), "loaded: " + i);
                assertTrue(((Number) i.get(2)).longValue() > 0 && ((Number) i.get(3)).longValue() > 0, "decoded: " + i);
            }
            String heading = browser.findElement(org.openqa.selenium.By.tagName("h2")).getText();
            assertEquals("Results: default_x4.safetensors x4", heading);
            ServePageBrowserTest.screenshot(browser, "report.png");
        } finally {
            browser.quit();
        }
    }
}
