package bnnsr;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.TestNetworks;
import bnnsr.engine.Upscaler;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * bnnsr as a library: a separate Maven project ({@code src/test/consumer}, the README's example) that depends on
 * {@code dev.bnnsr:bnnsr-core} is built and tested offline against this build's artifact, laid out in a local
 * repository as {@code mvn install} lays it out (the module's pom, the parent pom, the jar of its classes).
 *
 * <p>The root's {@code mvn test} does not run {@code install}, and a clean machine's Maven repository holds only
 * what {@code mvn test} downloaded, so the test builds a temporary local repository: the bnnsr artifacts, and
 * links to everything else in the user's repository (Jackson, JUnit, the compiler and surefire plugins at the
 * versions this build uses). The consumer then runs {@code mvn -o test}: a dependency that did not resolve, a
 * class or resource missing from the artifact, fails it.
 */
class ConsumerProjectTest {
    @TempDir Path dir;

    @Test void aSeparateMavenProjectUpscalesWithTheInstalledArtifact() throws Exception {
        String version = property("bnnsr.version");
        Path repo = Path.of(property("bnnsr.repo")).toAbsolutePath().normalize();
        Path userRepo = Path.of(property("bnnsr.local.repository"));

        Path local = dir.resolve("repository");
        linkEverythingBut(userRepo, local, "dev");
        Files.createDirectories(local.resolve("dev"));
        if (Files.isDirectory(userRepo.resolve("dev"))) linkEverythingBut(userRepo.resolve("dev"), local.resolve("dev"), "bnnsr");
        Path parent = local.resolve("dev/bnnsr/bnnsr-parent/" + version), core = local.resolve("dev/bnnsr/bnnsr-core/" + version);
        Files.createDirectories(parent);
        Files.createDirectories(core);
        Files.copy(repo.resolve("pom.xml"), parent.resolve("bnnsr-parent-" + version + ".pom"));
        Files.copy(repo.resolve("bnnsr-core/pom.xml"), core.resolve("bnnsr-core-" + version + ".pom"));
        Path classes = Path.of(Upscaler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = core.resolve("bnnsr-core-" + version + ".jar");
        if (Files.isDirectory(classes)) jar(classes, jar);
        else Files.copy(classes, jar);              // run against an installed jar already

        Path project = dir.resolve("consumer");
        copyTree(repo.resolve("bnnsr-core/src/test/consumer"), project);
        Path input = dir.resolve("small.png"), output = dir.resolve("small_x4.png");
        ImageWriter.writePng(TestNetworks.image(10, 12, 3, 8, 5), input, 8);

        List<String> cmd = new ArrayList<>(List.of(mavenCommand(), "-o", "-B", "-q", "-Dmaven.repo.local=" + local,
                "-Dbnnsr.version=" + version, "-Dinput=" + input, "-Doutput=" + output));
        for (String p : List.of("junit.version", "compiler.plugin.version", "surefire.plugin.version", "resources.plugin.version"))
            cmd.add("-D" + p + "=" + property(p));
        cmd.add("test");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mvn.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        Process mvn = pb.start();
        boolean ended = mvn.waitFor(5, TimeUnit.MINUTES);
        if (!ended) mvn.destroyForcibly();
        String log = Files.readString(dir.resolve("mvn.log"));
        assertTrue(ended, "the consumer build did not end in 5 minutes:\n" + log);
        assertEquals(0, mvn.exitValue(), "the consumer build failed:\n" + log);

        // what the consumer wrote is exactly what this build's Upscaler makes of the image
        Upscaler up = Upscaler.load(DefaultModel.find(4).orElseThrow());
        byte[] want = ImageWriter.encode(up.upscale(ImageReader.read(input)), "png", 95);
        assertArrayEquals(want, Files.readAllBytes(output));
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        assertNotNull(v, "system property " + name + " (set by the pom's surefire configuration)");
        return v;
    }

    /** The Maven that runs this build (its {@code maven.home}), else {@code mvn} on the PATH. */
    private static String mavenCommand() {
        String home = System.getProperty("maven.home");
        if (home != null && !home.isBlank() && !home.contains("${") && Files.isExecutable(Path.of(home, "bin", "mvn")))
            return Path.of(home, "bin", "mvn").toString();
        return "mvn";
    }

    private static void linkEverythingBut(Path from, Path to, String except) throws IOException {
        Files.createDirectories(to);
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList())
                if (!p.getFileName().toString().equals(except)) Files.createSymbolicLink(to.resolve(p.getFileName()), p);
        }
    }

    /** A jar of a classes folder, as maven-jar-plugin makes it (a manifest first, then the files). */
    private static void jar(Path classes, Path jar) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, mf);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else if (!from.relativize(p).startsWith("target")) Files.copy(p, t);
            }
        }
    }
}
