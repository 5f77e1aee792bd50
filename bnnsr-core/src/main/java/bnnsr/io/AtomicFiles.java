package bnnsr.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Writes files so that readers see either no file / the old file or the whole new one: the content goes to a
 * temporary file in the target's folder, forced to disk, then put in place in one step. {@link #write} replaces an
 * existing target (atomic rename); {@link #create} never does, even against a concurrent writer: the finished
 * temporary file is hard-linked to the target name, which the file system refuses atomically when the name exists.
 * <p>
 * Temporary files are named {@code .NAME.bnnsr-DIGITS.tmp}. A process killed mid-write (kill -9, power loss)
 * leaves one behind; the first write into a folder in each process removes such leftovers (see
 * {@link #removeLeftovers}). Every failure is a {@link FileWriteException} naming the target.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What writes the content. */
    @FunctionalInterface
    public interface Content { void writeTo(OutputStream out) throws IOException; }

    /** Our temporary files; the second form is the naming of bnnsr up to 0.1.0 (".NAME.DIGITS.tmp" for our outputs). */
    static final Pattern TEMP = Pattern.compile("\\..+\\.bnnsr-\\d+\\.tmp");
    /** Our temporary files since the writer's process id is in the name: ".NAME.bnnsr-PID-DIGITS.tmp". */
    static final Pattern TEMP_PID = Pattern.compile("\\..+\\.bnnsr-(\\d+)-\\d+\\.tmp");
    private static final long PID = ProcessHandle.current().pid();
    private static final Pattern LEGACY_TEMP = Pattern.compile("\\..+\\.(safetensors|png|jpe?g|json|csv)\\.\\d+\\.tmp|\\.info-\\d+\\.tmp");
    private static final Set<Path> CLEANED = ConcurrentHashMap.newKeySet();

    /** Writes {@code target}, replacing it if it exists. */
    public static void write(Path target, Content content) throws IOException { write(target, true, content); }

    /** Writes {@code target}, which must not exist: a {@link FileWriteException.Exists} if it does or appears meanwhile. */
    public static void create(Path target, Content content) throws IOException { write(target, false, content); }

    public static void write(Path target, boolean replace, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) throw new FileWriteException(target, "is a folder", null);
        if (dir == null || !Files.isDirectory(dir)) throw new FileWriteException(target, "folder " + dir + " does not exist", null);
        if (!replace && Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) throw new FileWriteException.Exists(target);
        if (CLEANED.add(dir.normalize())) removeLeftovers(dir);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".bnnsr-" + PID + "-", ".tmp");
        } catch (IOException e) {
            throw failure(target, e);
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                ch.force(true);       // on disk before it takes the target's name: a crash leaves one or the other
            }
            usualPermissions(tmp, abs);
            if (replace) replace(tmp, abs);
            else link(tmp, abs, target);
        } catch (FileWriteException e) {
            throw e;
        } catch (IOException e) {
            throw failure(target, e);
        } finally {
            Files.deleteIfExists(tmp);   // still there when something failed, or after a link
        }
    }

    private static void replace(Path tmp, Path abs) throws IOException {
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Gives the finished file the target's name only if no file has it: link(2) fails atomically on an existing name. */
    private static void link(Path tmp, Path abs, Path target) throws IOException {
        try {
            Files.createLink(abs, tmp);
        } catch (FileAlreadyExistsException e) {
            throw new FileWriteException.Exists(target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof FileSystemException f && Files.exists(abs, LinkOption.NOFOLLOW_LINKS))
                throw new FileWriteException.Exists(target);
            // no hard links here (e.g. some network or FAT file systems): a plain move without replacing, which
            // checks the name first (a concurrent writer could slip in between; only here)
            try {
                Files.move(tmp, abs);
            } catch (FileAlreadyExistsException x) {
                throw new FileWriteException.Exists(target);
            }
        }
    }

    private static FileWriteException failure(Path target, IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof FileSystemException f && f.getReason() != null) m = f.getReason();   // without the temp file's name
        return new FileWriteException(target, "cannot write (" + m.replaceAll("\\s+", " ").trim() + ")", e);
    }

    /**
     * Deletes temporary files of our own naming ({@link #TEMP}, or the older naming of our outputs) in {@code dir}
     * that were last modified before this process started: those belong to a process that died mid-write. A file
     * being written right now by a concurrent process is newer than our start, so it is left alone. Returns how many
     * were removed; problems are ignored (a leftover is harmless, only untidy).
     */
    public static int removeLeftovers(Path dir) {
        Instant started = processStart();
        int removed = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                java.util.regex.Matcher pid = TEMP_PID.matcher(n);
                if (pid.matches()) {
                    // the writer's process id says it for sure (a start-time comparison is only as fine as the
                    // clock's ticks, and a run resumed right after a kill starts within them)
                    if (writerAlive(pid.group(1))) continue;
                    try {
                        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p)) removed++;
                    } catch (IOException ignored) {
                        // gone meanwhile, or not ours to delete
                    }
                    continue;
                }
                if (!TEMP.matcher(n).matches() && !LEGACY_TEMP.matcher(n).matches()) continue;
                try {
                    FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && t.toInstant().isBefore(started) && Files.deleteIfExists(p))
                        removed++;
                } catch (IOException ignored) {
                    // gone meanwhile, or not ours to delete
                }
            }
        } catch (IOException ignored) {
            // an unlistable folder: the write itself will report what is wrong
        }
        return removed;
    }

    private static boolean writerAlive(String pid) {
        try {
            long id = Long.parseLong(pid);
            return id == PID || ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static final Instant START = ProcessHandle.current().info().startInstant().orElse(Instant.now());

    static Instant processStart() { return START; }

    /**
     * Temporary files are created owner-only; the result should look like any file the user writes: the old file's
     * permissions when replacing one, else rw-r--r--.
     */
    private static void usualPermissions(Path tmp, Path target) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    /** Writes a UTF-8 text file atomically, replacing it. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
