package org.beamsamza.yarn.client;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The jars and class directories of this JVM's application classpath, in classpath order and
 * without duplicates: what a YARN container needs to run the same code as the submitting JVM.
 */
public final class ClasspathEntries {

  private ClasspathEntries() {}

  /** The entries of {@code java.class.path}, see {@link #of(String)}. */
  public static List<Path> ofThisJvm() {
    return of(System.getProperty("java.class.path", ""));
  }

  /**
   * The existing entries of a classpath string (entries separated by {@link File#pathSeparator}),
   * absolute and normalized, first occurrence kept. Missing entries are dropped, as the JVM ignores
   * them too. A jar's manifest {@code Class-Path} entries follow the jar: launchers such as
   * surefire's booter jar or {@code java -jar app.jar} carry the real classpath there.
   */
  public static List<Path> of(String classpath) {
    Set<Path> entries = new LinkedHashSet<>();
    for (String element : classpath.split(File.pathSeparator)) {
      if (!element.isEmpty()) {
        add(Paths.get(element).toAbsolutePath().normalize(), entries);
      }
    }
    return List.copyOf(entries);
  }

  private static void add(Path entry, Set<Path> entries) {
    if (!Files.exists(entry) || !entries.add(entry)) {
      return;
    }
    if (Files.isRegularFile(entry)) {
      for (Path referenced : manifestClassPath(entry)) {
        add(referenced, entries);
      }
    }
  }

  private static List<Path> manifestClassPath(Path jar) {
    List<Path> referenced = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String classPath =
          manifest == null
              ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (classPath == null) {
        return referenced;
      }
      // Class-Path holds space-separated URLs relative to the jar's own location.
      URI base = jar.getParent().toUri();
      for (String url : classPath.trim().split("\\s+")) {
        URI resolved = base.resolve(url); // absolute file: URLs stay as they are
        if ("file".equals(resolved.getScheme())) {
          referenced.add(Paths.get(resolved).toAbsolutePath().normalize());
        }
      }
    } catch (IOException e) {
      // not a jar (e.g. a native library or a resource file on the classpath): nothing to follow
      return referenced;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Malformed Class-Path in the manifest of " + jar, e);
    }
    return referenced;
  }
}
