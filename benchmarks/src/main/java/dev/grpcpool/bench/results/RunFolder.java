package dev.grpcpool.bench.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The folder one run writes its reports into: {@code <base>/<yyyyMMdd-HHmmss>-<label>[-n]}.
 *
 * <p>The base directory is the system property {@value #RESULTS_DIR_PROPERTY}, else the environment variable
 * {@value #RESULTS_DIR_ENV}, else {@code results} relative to the working directory. The time stamp is UTC.
 *
 * <p>A run never reuses a folder another run made: the folder is created with
 * {@link Files#createDirectory}, which fails atomically when the name exists, and the next suffix
 * ({@code -2}, {@code -3}, …) is tried. Files inside are created the same way ({@link #newFile}), so nothing
 * already written is ever overwritten. A run that spans several processes (a JMH run and its forks) names
 * itself with a run id: {@link #forRun} creates the folder or rejoins the one that the same run id created,
 * and never one that a different run created.
 *
 * <p>This class is thread-safe: instances are immutable and every file operation is atomic in the file system.
 */
public final class RunFolder {

  /** System property that moves the base directory of all run folders. */
  public static final String RESULTS_DIR_PROPERTY = "grpcpool.results.dir";
  /** Environment variable that moves the base directory when the system property is not set. */
  public static final String RESULTS_DIR_ENV = "GRPCPOOL_RESULTS_DIR";
  /** Name of the file that records which run made the folder. */
  public static final String RUN_ID_FILE = "run-id.txt";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  /** Enough for any real collision storm; beyond that something is wrong with the file system. */
  private static final int MAX_SUFFIX = 1000;

  private final Path path;

  private RunFolder(Path path) {
    this.path = path;
  }

  /** The base directory for run folders, from the system property, the environment, or {@code results}. */
  public static Path baseDir() {
    String dir = System.getProperty(RESULTS_DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(RESULTS_DIR_ENV);
    }
    if (dir == null || dir.isBlank()) {
      dir = "results";
    }
    return Paths.get(dir);
  }

  /** Creates a new folder for a run that starts now, under {@link #baseDir()}. */
  public static RunFolder create(String label) {
    return create(baseDir(), label, Instant.now());
  }

  /**
   * Creates a new folder {@code <baseDir>/<startedAt as yyyyMMdd-HHmmss UTC>-<label>}, adding {@code -2},
   * {@code -3}, … when that name is taken. Missing parent directories are created.
   *
   * @param label what ran, e.g. {@code jmh} or {@code load}; characters other than letters, digits,
   *     {@code .}, {@code _} and {@code -} are replaced by {@code -}
   * @throws UncheckedIOException if the folder cannot be created
   */
  public static RunFolder create(Path baseDir, String label, Instant startedAt) {
    return forRun(baseDir, label, startedAt, null);
  }

  /**
   * The folder of the run {@code runId}: the first call creates it like {@link #create} and records the run id
   * in {@value #RUN_ID_FILE}; later calls with the same run id, base, label and start time return that folder.
   * A folder that holds a different run id (or none) is never reused: the next suffix is tried.
   *
   * @param runId identifies the run across processes, e.g. the JMH host's process id and start time;
   *     {@code null} to always create a new folder
   */
  public static RunFolder forRun(Path baseDir, String label, Instant startedAt, String runId) {
    Objects.requireNonNull(baseDir, "baseDir");
    Objects.requireNonNull(startedAt, "startedAt");
    String name = STAMP.format(startedAt) + "-" + safeName(label);
    try {
      Files.createDirectories(baseDir);
      for (int n = 1; n <= MAX_SUFFIX; n++) {
        Path candidate = baseDir.resolve(n == 1 ? name : name + "-" + n);
        RunFolder folder = claim(candidate, runId);
        if (folder != null) {
          return folder;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run folder under " + baseDir.toAbsolutePath(), e);
    }
    throw new IllegalStateException("more than " + MAX_SUFFIX + " run folders named " + name + " in " + baseDir);
  }

  /**
   * The folder {@code folder} for the run {@code runId}: created (with its parents) when missing, rejoined
   * when the same run id made it, refused when it exists and belongs to another run or to none.
   *
   * @throws IllegalArgumentException if the folder exists and was not made by this run
   */
  public static RunFolder forRun(Path folder, String runId) {
    Objects.requireNonNull(runId, "runId");
    try {
      if (folder.getParent() != null) {
        Files.createDirectories(folder.getParent());
      }
      RunFolder claimed = claim(folder, runId);
      if (claimed == null) {
        throw new IllegalArgumentException(
            "run folder " + folder.toAbsolutePath() + " already exists and belongs to another run;"
                + " choose a new folder");
      }
      return claimed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run folder " + folder.toAbsolutePath(), e);
    }
  }

  /** Creates {@code candidate}, or returns it when the same run made it; {@code null} when it is taken. */
  private static RunFolder claim(Path candidate, String runId) throws IOException {
    try {
      Files.createDirectory(candidate);
      if (runId != null) {
        // A second process of this run may look between createDirectory and this write; it then sees no
        // or a partial id and moves on to the next suffix. JMH runs forks one after another, so it does not.
        Files.writeString(candidate.resolve(RUN_ID_FILE), runId + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
      return new RunFolder(candidate);
    } catch (FileAlreadyExistsException taken) {
      if (runId != null && runId.equals(readRunId(candidate))) {
        return new RunFolder(candidate);
      }
      return null;
    }
  }

  private static String readRunId(Path folder) throws IOException {
    Path idFile = folder.resolve(RUN_ID_FILE);
    if (!Files.isDirectory(folder) || !Files.isRegularFile(idFile)) {
      return null;
    }
    return Files.readString(idFile, StandardCharsets.UTF_8).trim();
  }

  /** Replaces every character that is unsafe in a file name on common file systems by {@code -}. */
  public static String safeName(String name) {
    Objects.requireNonNull(name, "name");
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
    if (safe.isEmpty() || safe.chars().allMatch(c -> c == '.')) {
      throw new IllegalArgumentException("name '" + name + "' has no usable characters");
    }
    return safe;
  }

  /** The folder. */
  public Path path() {
    return path;
  }

  /**
   * Creates a new empty file in this folder. When {@code fileName} exists, {@code -2}, {@code -3}, … is put
   * before the extension, so an existing file is never overwritten.
   *
   * @param fileName a plain file name (no directories); unsafe characters are replaced by {@code -}
   * @return the file that was created
   */
  public Path newFile(String fileName) {
    String safe = safeName(fileName);
    int dot = safe.lastIndexOf('.');
    String stem = dot > 0 ? safe.substring(0, dot) : safe;
    String ext = dot > 0 ? safe.substring(dot) : "";
    try {
      for (int n = 1; n <= MAX_SUFFIX; n++) {
        Path candidate = path.resolve(n == 1 ? safe : stem + "-" + n + ext);
        try {
          return Files.createFile(candidate);
        } catch (FileAlreadyExistsException taken) {
          // try the next suffix
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + safe + " in " + path.toAbsolutePath(), e);
    }
    throw new IllegalStateException("more than " + MAX_SUFFIX + " files named " + safe + " in " + path);
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
