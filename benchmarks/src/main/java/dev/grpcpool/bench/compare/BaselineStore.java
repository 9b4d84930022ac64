package dev.grpcpool.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Keeps the reference run that new runs are compared with ({@code results/baseline/} by default): copies a run
 * folder there together with its machine description, and never replaces an existing baseline unless asked
 * to. The copy is assembled beside the target and moved into place only when complete, so a failure leaves the
 * old baseline as it was.
 *
 * <p>Stateless and thread-safe; concurrent saves to the same folder are not supported.
 */
public final class BaselineStore {

  /** Folder name of the baseline inside the results folder. */
  public static final String BASELINE_DIR = "baseline";

  private BaselineStore() {}

  /**
   * The results folder: system property {@code grpcpool.results.dir}, else environment variable
   * {@code GRPCPOOL_RESULTS_DIR}, else {@code results} relative to the working directory.
   */
  public static Path resultsDir() {
    String dir = System.getProperty("grpcpool.results.dir");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("GRPCPOOL_RESULTS_DIR");
    }
    return Path.of(dir == null || dir.isBlank() ? "results" : dir);
  }

  /** What {@link #save} did. */
  public static final class Saved {
    private final Path dir;
    private final int files;
    private final boolean environmentRecordedNow;
    private final Environment environment;

    Saved(Path dir, int files, boolean environmentRecordedNow, Environment environment) {
      this.dir = dir;
      this.files = files;
      this.environmentRecordedNow = environmentRecordedNow;
      this.environment = environment;
    }

    public Path dir() {
      return dir;
    }

    public int files() {
      return files;
    }

    /** True when the run had no {@code env.json} and this machine's description was written instead. */
    public boolean environmentRecordedNow() {
      return environmentRecordedNow;
    }

    public Environment environment() {
      return environment;
    }
  }

  /**
   * Copies {@code runDir} into {@code baselineDir}.
   *
   * @param force replace an existing, non-empty baseline
   * @throws CompareInputException when the run folder is missing or holds no JMH JSON, when the baseline exists
   *     and {@code force} is false, or when one folder contains the other
   * @throws UncheckedIOException when copying fails (the old baseline is then untouched)
   */
  public static Saved save(Path runDir, Path baselineDir, boolean force) {
    if (!Files.isDirectory(runDir)) {
      throw new CompareInputException(runDir + ": not a run folder (no such directory)");
    }
    ResultSet run = JmhJsonReader.read(runDir);
    Path src = runDir.toAbsolutePath().normalize();
    Path dst = baselineDir.toAbsolutePath().normalize();
    if (dst.startsWith(src) || src.startsWith(dst)) {
      throw new CompareInputException(runDir + " and " + baselineDir + " overlap; save a run from another folder");
    }
    if (!isEmptyOrAbsent(dst) && !force) {
      throw new CompareInputException(baselineDir + " already holds a baseline; pass --force to replace it");
    }
    try {
      Files.createDirectories(dst.getParent());
      // Not createTempDirectory: its owner-only permissions would end up on the baseline folder.
      Path tmp = Files.createDirectory(dst.getParent().resolve(".baseline-new-" + System.nanoTime()));
      int files;
      try {
        files = copyTree(src, tmp);
        boolean recorded = !Files.exists(tmp.resolve(Environment.FILE_NAME));
        Environment env = recorded ? Environment.current() : Environment.read(tmp.resolve(Environment.FILE_NAME));
        if (recorded) {
          env.write(tmp);
        }
        if (Files.exists(dst)) {
          Path old = dst.getParent().resolve(".baseline-old-" + System.nanoTime());
          Files.move(dst, old);
          Files.move(tmp, dst);
          deleteTree(old);
        } else {
          Files.move(tmp, dst);
        }
        return new Saved(baselineDir, files, recorded, env.withJdk(
            run.environment().jdkVersion(), run.environment().vmName(), null));
      } finally {
        if (Files.exists(tmp)) {
          deleteTree(tmp);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save baseline " + baselineDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes this machine's description to {@code dir/env.json}, for run scripts to call beside JMH's output.
   *
   * @throws CompareInputException if the folder is missing or already has one
   */
  public static Path recordEnvironment(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CompareInputException(dir + ": no such directory");
    }
    if (Files.exists(dir.resolve(Environment.FILE_NAME))) {
      throw new CompareInputException(dir.resolve(Environment.FILE_NAME) + " exists already; not overwritten");
    }
    try {
      return Environment.current().write(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(Environment.FILE_NAME), e);
    }
  }

  private static boolean isEmptyOrAbsent(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
  }

  private static int copyTree(Path from, Path to) throws IOException {
    int[] n = {0};
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        n[0]++;
        return FileVisitResult.CONTINUE;
      }
    });
    return n[0];
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
