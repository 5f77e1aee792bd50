package bnnsr.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test void newFilesAreReadableByOthersAndReplacedFilesKeepTheirPermissions() throws IOException {
        Path f = dir.resolve("a.txt");
        AtomicFiles.writeString(f, "one");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(f, "two");
        assertEquals("two", Files.readString(f));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("b.txt");
        AtomicFiles.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test void aFailedWriteNamesTheTargetNotTheTemporaryFile() {
        Path f = dir.resolve("c.bin");
        FileWriteException e = assertThrows(FileWriteException.class, () -> AtomicFiles.write(f, out -> {
            throw new java.nio.file.FileSystemException(dir.resolve(".c.bin.bnnsr-1.tmp").toString(), null, "No space left on device");
        }));
        assertEquals(f + ": cannot write (No space left on device)", e.getMessage());
    }

    /** Many writers race to create one file: exactly one wins, the file holds its content whole, none is replaced. */
    @Test void createIsExclusiveAgainstConcurrentWriters() throws Exception {
        for (int round = 0; round < 5; round++) {
            Path f = dir.resolve("race" + round + ".txt");
            int n = 4;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
            java.util.concurrent.atomic.AtomicInteger won = new java.util.concurrent.atomic.AtomicInteger(-1), lost = new java.util.concurrent.atomic.AtomicInteger();
            Thread[] t = new Thread[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                t[i] = new Thread(() -> {
                    try {
                        start.await();
                        AtomicFiles.create(f, out -> out.write(("writer " + k + " ").repeat(1000).getBytes()));
                        assertTrue(won.compareAndSet(-1, k), "a second writer succeeded");
                    } catch (FileWriteException.Exists e) {
                        lost.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t[i].start();
            }
            for (Thread x : t) x.join();
            assertTrue(won.get() >= 0);
            assertEquals(n - 1, lost.get());
            assertEquals(("writer " + won.get() + " ").repeat(1000), Files.readString(f));
        }
        try (var files = Files.list(dir)) {
            assertEquals(5, files.count(), "no temporary file left behind");
        }
    }

    @Test void leftoversOfOurOwnNamingOlderThanThisProcessAreRemoved() throws IOException {
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(AtomicFiles.processStart().minusSeconds(60));
        Path ours = dir.resolve(".m.safetensors.bnnsr-77.tmp"), legacy = dir.resolve(".m.safetensors.123.tmp");
        Path newer = dir.resolve(".n.safetensors.bnnsr-78.tmp"), user = dir.resolve(".notes.123.tmp"), plain = dir.resolve("x.bnnsr-1.tmp");
        for (Path p : new Path[] {ours, legacy, newer, user, plain}) Files.writeString(p, "x");
        for (Path p : new Path[] {ours, legacy, user, plain}) Files.setLastModifiedTime(p, old);
        Files.setLastModifiedTime(newer, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));
        assertEquals(2, AtomicFiles.removeLeftovers(dir));
        assertFalse(Files.exists(ours) || Files.exists(legacy));
        assertTrue(Files.exists(newer) && Files.exists(user) && Files.exists(plain));
    }

    /** With the writer's pid in the name, a dead writer's file goes however recent it is; a live writer's stays. */
    @Test void leftoversOfADeadWriterAreRemovedByProcessId() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        long me = ProcessHandle.current().pid();
        Path gone = dir.resolve(".m.safetensors.bnnsr-" + dead.pid() + "-123.tmp");
        Path mine = dir.resolve(".m.safetensors.bnnsr-" + me + "-456.tmp");
        for (Path p : new Path[] {gone, mine}) Files.writeString(p, "x");
        Files.setLastModifiedTime(gone, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));
        assertEquals(1, AtomicFiles.removeLeftovers(dir));
        assertFalse(Files.exists(gone));
        assertTrue(Files.exists(mine));
    }

    @Test void temporaryFilesCarryTheWritersProcessId() throws IOException {
        Path target = dir.resolve("t.bin");
        String[] seen = {null};
        AtomicFiles.write(target, out -> {
            try (var s = Files.list(dir)) {
                seen[0] = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).findFirst().orElse(null);
            }
            out.write(1);
        });
        assertTrue(seen[0] != null && AtomicFiles.TEMP_PID.matcher(seen[0]).matches()
                && seen[0].contains("-" + ProcessHandle.current().pid() + "-"), String.valueOf(seen[0]));
    }
}
