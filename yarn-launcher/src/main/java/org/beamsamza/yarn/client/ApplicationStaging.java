package org.beamsamza.yarn.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

/**
 * Copies what an application's containers need (the classpath and named extra files) to {@code
 * <stagingRoot>/<application>/} on the cluster's file system, and describes the copies as YARN
 * local resources.
 *
 * <p>Class directories are packed into jars first: YARN localizes a FILE resource, and a directory
 * uploaded as a FILE would not be unpacked on the node.
 *
 * <p>Jars go to a cache shared by the user's applications, {@code <stagingRoot>/cache/<content
 * hash>/<name>}, uploaded only when that content is not there yet, and are PRIVATE resources: a
 * NodeManager localizes a PRIVATE resource once per user and reuses it for every later application
 * that names the same file and timestamp. A redeployed job with unchanged dependencies therefore
 * uploads and localizes only what changed (its own jar, the plan), instead of hundreds of MB per
 * application. Files of one application (the plan, configuration) stay in its own directory.
 */
public final class ApplicationStaging {

  /** The directory under the file system's home directory that holds every staging directory. */
  public static final String STAGING_ROOT_NAME = ".beamsamza";

  /**
   * The staged file listing the classpath jars in order, one a line as {@code <name in the working
   * directory>\t<cached file>}, so an ApplicationMaster can give its containers the same classpath
   * ({@link #read}).
   */
  public static final String CLASSPATH_FILE = "classpath.txt";

  /** The directory under the staging root that holds the jar cache. */
  public static final String CACHE_DIR_NAME = "cache";

  private final FileSystem fs;
  private final Path dir;
  private final Path cache;

  /** Stages into {@code <stagingRoot>/<applicationDirName>} on {@code fs}. */
  public ApplicationStaging(FileSystem fs, Path stagingRoot, String applicationDirName) {
    if (applicationDirName.isEmpty() || applicationDirName.contains("/")) {
      throw new IllegalArgumentException(
          "A staging directory name must be one non-empty path segment, not '"
              + applicationDirName
              + "'");
    }
    this.fs = fs;
    this.dir = fs.makeQualified(new Path(stagingRoot, applicationDirName));
    this.cache = fs.makeQualified(new Path(stagingRoot, CACHE_DIR_NAME));
  }

  /**
   * Stages into {@code <home>/.beamsamza/<applicationDirName>} on the default file system of {@code
   * conf} ({@code fs.defaultFS}), the place the YARN client and the nodes both reach.
   */
  public static ApplicationStaging inHomeDirectory(Configuration conf, String applicationDirName)
      throws IOException {
    FileSystem fs = FileSystem.get(conf);
    return new ApplicationStaging(fs, defaultStagingRoot(fs), applicationDirName);
  }

  /** {@code <home>/.beamsamza} of {@code fs}. */
  public static Path defaultStagingRoot(FileSystem fs) {
    return new Path(fs.getHomeDirectory(), STAGING_ROOT_NAME);
  }

  /** The staging directory of this application (qualified). */
  public Path dir() {
    return dir;
  }

  /** {@link #stage(List, Map, Predicate)} of every classpath entry. */
  public StagedFiles stage(List<java.nio.file.Path> classpath, Map<String, byte[]> files)
      throws IOException {
    return stage(classpath, files, entry -> false);
  }

  /**
   * Uploads the classpath entries (jars as they are, directories packed into {@code dir-<n>-<last
   * path segments>.jar}) except those {@code exclude} accepts, then the named files.
   *
   * @param classpath jars and class directories, in classpath order
   * @param files extra files by the name the container sees (e.g. {@code plan.bin}); they must not
   *     collide with each other or with {@link #CLASSPATH_FILE}
   * @param exclude classpath entries the containers never need (e.g. test-only jars)
   */
  public StagedFiles stage(
      List<java.nio.file.Path> classpath,
      Map<String, byte[]> files,
      Predicate<java.nio.file.Path> exclude)
      throws IOException {
    fs.mkdirs(dir);
    Map<String, LocalResource> resources = new LinkedHashMap<>();
    List<String> classpathNames = new ArrayList<>();
    Set<String> usedNames = new HashSet<>(files.keySet());
    usedNames.add(CLASSPATH_FILE);
    List<String> classpathLines = new ArrayList<>();
    int index = 0;
    for (java.nio.file.Path entry : classpath) {
      index++;
      if (exclude.test(entry)) {
        continue;
      }
      String name;
      byte[] packed = null;
      if (Files.isDirectory(entry)) {
        name = unique("dir-" + index + "-" + lastSegments(entry, 3) + ".jar", usedNames);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        packDirectory(entry, bytes);
        packed = bytes.toByteArray();
      } else {
        // Jars of one name from different places (e.g. two modules' "tests.jar") get a suffix.
        name = unique(safeName(entry.getFileName().toString()), usedNames);
      }
      Path cached = cached(entry, packed);
      resources.put(name, localResource(fs, fs.getFileStatus(cached)));
      classpathNames.add(name);
      classpathLines.add(name + "\t" + cached);
    }
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String name = file.getKey();
      if (name.isEmpty() || name.contains("/") || name.equals(CLASSPATH_FILE)) {
        throw new IllegalArgumentException(
            "An extra staged file needs a plain file name other than "
                + CLASSPATH_FILE
                + ", not '"
                + name
                + "'");
      }
      resources.put(name, write(new Path(dir, name), file.getValue()));
    }
    resources.put(
        CLASSPATH_FILE,
        write(
            new Path(dir, CLASSPATH_FILE),
            (String.join("\n", classpathLines) + "\n").getBytes(StandardCharsets.UTF_8)));
    return new StagedFiles(dir, resources, classpathNames);
  }

  /**
   * The files staged in {@code dir}, as local resources, with the classpath order of {@link
   * #CLASSPATH_FILE}: lets an ApplicationMaster hand its own files on to its containers.
   */
  public static StagedFiles read(FileSystem fs, Path dir) throws IOException {
    Map<String, LocalResource> resources = new LinkedHashMap<>();
    for (FileStatus status : fs.listStatus(dir)) {
      if (status.isFile()) {
        resources.put(status.getPath().getName(), localResource(fs, status));
      }
    }
    List<String> classpath = new ArrayList<>();
    try (InputStream in = fs.open(new Path(dir, CLASSPATH_FILE))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        String name = line.substring(0, tab);
        resources.put(name, localResource(fs, fs.getFileStatus(new Path(line.substring(tab + 1)))));
        classpath.add(name);
      }
    }
    return new StagedFiles(fs.makeQualified(dir), resources, classpath);
  }

  /**
   * The cached copy of a jar ({@code packed}: a packed class directory's bytes), uploaded if the
   * cache has no file of that content yet. Uploads go to a temporary name first, so a concurrent
   * submission never sees half a file.
   */
  private Path cached(java.nio.file.Path entry, byte[] packed) throws IOException {
    String hash = packed != null ? sha256(packed) : sha256(entry);
    String fileName = packed != null ? "classes.jar" : safeName(entry.getFileName().toString());
    Path target = new Path(new Path(cache, hash), fileName);
    long size = packed != null ? packed.length : Files.size(entry);
    if (fs.exists(target) && fs.getFileStatus(target).getLen() == size) {
      return target;
    }
    fs.mkdirs(target.getParent());
    Path tmp = new Path(target.getParent(), "." + fileName + "." + java.util.UUID.randomUUID());
    if (packed != null) {
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(packed);
      }
    } else {
      fs.copyFromLocalFile(false, true, new Path(entry.toUri()), tmp);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false); // another submission cached the same content first
    }
    return target;
  }

  private static String sha256(java.nio.file.Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 32);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Deletes what was staged for the application's containers (jars, plan), keeping the files the
   * ApplicationMaster leaves for clients when the job ends ({@code final-*}): once the job has
   * ended nothing needs the rest, and it is hundreds of MB per application.
   */
  public static void deleteStagedInputs(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    for (FileStatus status : fs.listStatus(dir)) {
      if (!status.getPath().getName().startsWith("final-")) {
        fs.delete(status.getPath(), true);
      }
    }
  }

  /** Deletes the staging directory and everything in it; true if it existed. */
  public boolean delete() throws IOException {
    return fs.delete(dir, true);
  }

  private LocalResource write(Path target, byte[] content) throws IOException {
    try (FSDataOutputStream out = fs.create(target, true)) {
      out.write(content);
    }
    return localResource(fs, fs.getFileStatus(target));
  }

  private static LocalResource localResource(FileSystem fs, FileStatus status) {
    // The node manager refuses a resource whose size or timestamp differs from what it finds,
    // so both come from the uploaded file, not from the local source. Cached jars are PRIVATE:
    // localized once per user and node, and reused by later applications.
    boolean cachedJar = status.getPath().getParent().getParent().getName().equals(CACHE_DIR_NAME);
    return LocalResource.newInstance(
        URL.fromPath(fs.makeQualified(status.getPath())),
        LocalResourceType.FILE,
        cachedJar ? LocalResourceVisibility.PRIVATE : LocalResourceVisibility.APPLICATION,
        status.getLen(),
        status.getModificationTime());
  }

  private static void packDirectory(java.nio.file.Path root, OutputStream out) throws IOException {
    List<java.nio.file.Path> paths;
    try (Stream<java.nio.file.Path> walk = Files.walk(root)) {
      paths = walk.filter(p -> !p.equals(root)).sorted().toList();
    }
    // Plain entries, no generated manifest: a META-INF/MANIFEST.MF of the directory is kept as is.
    try (JarOutputStream jar = new JarOutputStream(out)) {
      for (java.nio.file.Path path : paths) {
        String name = root.relativize(path).toString().replace(java.io.File.separatorChar, '/');
        boolean directory = Files.isDirectory(path);
        JarEntry entry = new JarEntry(directory ? name + "/" : name);
        entry.setTime(Files.getLastModifiedTime(path).toMillis());
        jar.putNextEntry(entry);
        if (!directory) {
          Files.copy(path, jar);
        }
        jar.closeEntry();
      }
    }
  }

  private static String lastSegments(java.nio.file.Path path, int count) {
    int n = path.getNameCount();
    List<String> segments = new ArrayList<>();
    for (int i = Math.max(0, n - count); i < n; i++) {
      segments.add(path.getName(i).toString());
    }
    return safeName(String.join("-", segments));
  }

  /** Only characters that need no quoting in the launch command and no escaping in a URL. */
  private static String safeName(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String unique(String name, Set<String> used) {
    String candidate = name;
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    for (int n = 2; !used.add(candidate); n++) {
      candidate = base + "-" + n + extension;
    }
    return candidate;
  }
}
