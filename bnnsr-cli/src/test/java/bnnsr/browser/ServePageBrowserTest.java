package bnnsr.browser;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.Upscaler;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import bnnsr.serve.ServeOptions;
import bnnsr.serve.ServedModel;
import bnnsr.serve.UpscaleServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The web page in headless Chromium against the real server: choose a file, upscale, see both images at the output
 * size, move the slider, download. With {@code -Dbnnsr.screenshots=DIR} it also saves the page as a PNG (docs/).
 */
class ServePageBrowserTest {
    @TempDir Path dir;

    @Test void upscaleCompareAndDownload() throws Exception {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        Path file = dir.resolve("butterfly_crop.png");
        Path set5 = Path.of("../bnnsr-core/src/test/resources/Set5/butterfly.png");
        FloatImage in = Files.exists(set5) ? ImageReader.read(set5).crop(40, 40, 64, 96) : random(64, 96);
        ImageWriter.writePng(in, file);

        Path model = DefaultModel.find(4).orElseThrow();
        ServedModel served = ServedModel.of("default_x4", Files.size(model), Upscaler.load(model));
        ChromeDriver browser = Chromium.start(dir, downloads);
        try (UpscaleServer server = new UpscaleServer(List.of(served), ServeOptions.defaults().withPort(0)).start()) {
            browser.get(server.uri().toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            wait.until(d -> !new Select(d.findElement(By.id("model"))).getOptions().isEmpty());
            assertTrue(new Select(browser.findElement(By.id("model"))).getFirstSelectedOption().getText().contains("srresnet-bam x4"));

            browser.findElement(By.id("file")).sendKeys(file.toString());
            WebElement go = browser.findElement(By.id("go"));
            wait.until(d -> go.isEnabled());
            go.click();
            wait.until(d -> d.findElement(By.tagName("body")).getDomAttribute("data-state") != null);
            assertEquals("done", browser.findElement(By.tagName("body")).getDomAttribute("data-state"),
                    () -> "page error: " + browser.findElement(By.id("error")).getText());

            JavascriptExecutor js = browser;
            assertEquals(List.of(384L, 256L, 384L, 256L), js.executeScript(
                    "const a = document.getElementById('after'), b = document.getElementById('before');"
                            + "return [a.naturalWidth, a.naturalHeight, b.naturalWidth, b.naturalHeight];"));
            assertTrue(browser.findElement(By.id("sizes")).getText().startsWith("384 x 256"));

            WebElement slider = browser.findElement(By.id("slider"));
            String clipBefore = browser.findElement(By.id("after")).getCssValue("clip-path");
            slider.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
            String clipAfter = browser.findElement(By.id("after")).getCssValue("clip-path");
            assertEquals("55", slider.getDomProperty("value"));
            assertNotEquals(clipBefore, clipAfter, "the slider moves the model image's edge");
            assertTrue(clipAfter.contains("55%"), clipAfter);
            slider.sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT,
                    Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT);

            screenshot(browser, "serve-page.png");
            browser.findElement(By.id("download")).click();
            Path saved = downloads.resolve("butterfly_crop_x4.png");
            wait.until(d -> Files.exists(saved) && !Files.exists(downloads.resolve("butterfly_crop_x4.png.crdownload")));
            FloatImage got = ImageReader.read(saved);
            assertEquals(384, got.width);
            assertEquals(256, got.height);
            FloatImage want = served.upscaler().upscale(ImageReader.read(file));
            assertArrayEquals(ImageWriter.encodePng(want), Files.readAllBytes(saved), "the download is the model's PNG");
        } finally {
            browser.quit();
        }
    }

    private static FloatImage random(int h, int w) {
        Random rnd = new Random(5);
        FloatImage img = new FloatImage(h, w, 3);
        for (int i = 0; i < img.data.length; i++) img.data[i] = rnd.nextFloat();
        return img;
    }

    /** Saves the window as PNG into -Dbnnsr.screenshots=DIR, when given (how docs/ screenshots are made). */
    static void screenshot(ChromeDriver browser, String name) throws java.io.IOException {
        String target = System.getProperty("bnnsr.screenshots");
        if (target == null || target.isBlank()) return;
        Path out = Path.of(target).toAbsolutePath();
        Files.createDirectories(out);
        Files.write(out.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
