package org.beamsamza.yarn.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Staging on the local file system (what the mini cluster uses too): class directories become jars,
 * same-named jars do not collide, and the local resources describe the uploaded files.
 */
public class YarnStagingTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void classpathEntriesAreOrderedUniqueExistingAndFollowManifestClassPath()
      throws Exception {
    Path a = jar(tmp.newFolder("a").toPath().resolve("a.jar"), Map.of("x.txt", "x"), null);
    Path dir = tmp.newFolder("classes").toPath();
    Path b = jar(tmp.newFolder("b").toPath().resolve("b.jar"), Map.of("y.txt", "y"), null);
    // a launcher jar (as surefire's booter) naming b relative to itself and a absolutely
    Path launcher =
        jar(tmp.getRoot().toPath().resolve("launcher.jar"), Map.of(), "b/b.jar " + a.toUri());
    String cp =
        String.join(
            File.pathSeparator,
            a.toString(),
            dir.toString(),
            a.toString(),
            tmp.getRoot() + "/missing.jar",
            launcher.toString());
    assertThat(ClasspathEntries.of(cp), contains(a, dir, launcher, b));
  }

  @Test
  public void directoriesArePackedAndSameNamedJarsAreRenamed() throws Exception {
    Path classes = tmp.newFolder("module", "target", "classes").toPath();
    Files.createDirectories(classes.resolve("org/example"));
    Files.writeString(classes.resolve("org/example/A.class"), "not really a class");
    Path tests1 = jar(tmp.newFolder("one").toPath().resolve("tests.jar"), Map.of("1", "1"), null);
    Path tests2 = jar(tmp.newFolder("two").toPath().resolve("tests.jar"), Map.of("2", "22"), null);

    FileSystem fs = FileSystem.getLocal(new Configuration());
    ApplicationStaging staging =
        new ApplicationStaging(
            fs, new org.apache.hadoop.fs.Path(tmp.newFolder("root").toURI()), "app_1");
    StagedFiles staged =
        staging.stage(List.of(classes, tests1, tests2), Map.of("plan.bin", new byte[] {1, 2, 3}));

    assertThat(
        staged.classpath(),
        contains("dir-1-module-target-classes.jar", "tests.jar", "tests-2.jar"));
    // the packed jar holds the directory's files under their relative names
    Path packed = localPath(staged, "dir-1-module-target-classes.jar");
    try (JarFile jar = new JarFile(packed.toFile())) {
      ZipEntry entry = jar.getEntry("org/example/A.class");
      assertThat(
          new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8),
          is("not really a class"));
    }
    // the renamed jar is the second one, not a copy of the first
    assertThat(Files.size(localPath(staged, "tests-2.jar")), is(Files.size(tests2)));
    assertThat(
        "cached jars are localized once per user and node",
        staged.localResources().get("tests.jar").getVisibility(),
        is(LocalResourceVisibility.PRIVATE));

    LocalResource plan = staged.localResources().get("plan.bin");
    FileStatus status = fs.getFileStatus(new org.apache.hadoop.fs.Path(staged.dir(), "plan.bin"));
    assertThat(plan.getSize(), is(3L));
    assertThat(plan.getTimestamp(), is(status.getModificationTime()));
    assertThat(plan.getType(), is(LocalResourceType.FILE));
    assertThat(plan.getVisibility(), is(LocalResourceVisibility.APPLICATION));
    assertThat(staged.localResources().keySet(), hasSize(5)); // 3 jars, plan.bin, classpath.txt

    // what an ApplicationMaster reads back equals what the client staged
    StagedFiles read = ApplicationStaging.read(fs, staged.dir());
    assertThat(read.classpath(), is(staged.classpath()));
    assertThat(read.localResources(), is(staged.localResources()));

    assertThat(staging.delete(), is(true));
    assertThat(fs.exists(staged.dir()), is(false));
  }

  @Test
  public void aSecondApplicationReusesTheCachedJarsAndUploadsOnlyItsOwnFiles() throws Exception {
    Path lib = jar(tmp.newFolder("lib").toPath().resolve("lib.jar"), Map.of("x", "x"), null);
    Path app = jar(tmp.newFolder("app").toPath().resolve("app.jar"), Map.of("v", "1"), null);
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(tmp.newFolder("root").toURI());
    StagedFiles first =
        new ApplicationStaging(fs, root, "app_1")
            .stage(List.of(lib, app), Map.of("p", new byte[1]));
    jar(app, Map.of("v", "2"), null); // the user's jar changed; the library did not
    StagedFiles second =
        new ApplicationStaging(fs, root, "app_2")
            .stage(List.of(lib, app), Map.of("p", new byte[1]));

    assertThat(
        "same file, same timestamp: the node reuses its localized copy",
        second.localResources().get("lib.jar"),
        is(first.localResources().get("lib.jar")));
    assertThat(
        second.localResources().get("app.jar").getResource(),
        org.hamcrest.Matchers.not(first.localResources().get("app.jar").getResource()));
    assertThat(
        "each application's own files stay in its own directory",
        second.localResources().get("p").getResource().getFile(),
        org.hamcrest.Matchers.containsString("app_2"));
  }

  private static Path localPath(StagedFiles staged, String name) throws Exception {
    return Path.of(staged.localResources().get(name).getResource().toPath().toUri());
  }

  @Test
  public void excludedEntriesAreNotStaged() throws Exception {
    Path keep = jar(tmp.newFolder("k").toPath().resolve("keep.jar"), Map.of("k", "k"), null);
    Path drop = jar(tmp.newFolder("d").toPath().resolve("drop.jar"), Map.of("d", "d"), null);
    FileSystem fs = FileSystem.getLocal(new Configuration());
    StagedFiles staged =
        new ApplicationStaging(
                fs, new org.apache.hadoop.fs.Path(tmp.newFolder("root").toURI()), "app_2")
            .stage(List.of(keep, drop), Map.of(), p -> p.endsWith("drop.jar"));
    assertThat(staged.classpath(), contains("keep.jar"));
    assertThat(staged.localResources().containsKey("drop.jar"), is(false));
  }

  @Test
  public void defaultStagingRootIsUnderTheFileSystemHome() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    assertThat(
        ApplicationStaging.defaultStagingRoot(fs).toString(),
        is(fs.getHomeDirectory() + "/.beamsamza"));
  }

  @Test
  public void launchCommandRunsJavaWithTheStagedClasspathAndLogsToTheContainerLogDir() {
    StagedFiles staged =
        new StagedFiles(
            new org.apache.hadoop.fs.Path("file:/s"), Map.of(), List.of("a.jar", "b.jar"));
    ContainerLaunchContext context =
        LaunchCommands.javaContainer(
            staged,
            1024,
            List.of("-Dx=1"),
            "org.example.Main",
            List.of("--plan=plan.bin", "it's"),
            Map.of("K", "V"));
    String command = context.getCommands().get(0);
    assertThat(
        command,
        is(
            ApplicationConstants.Environment.JAVA_HOME.$$()
                + "/bin/java -Xmx768m -Dx=1 -cp a.jar:b.jar:. org.example.Main --plan=plan.bin"
                + " 'it'\\''s' 1>"
                + ApplicationConstants.LOG_DIR_EXPANSION_VAR
                + "/stdout 2>"
                + ApplicationConstants.LOG_DIR_EXPANSION_VAR
                + "/stderr"));
    assertThat(context.getEnvironment().get("K"), is("V"));
    assertThat(LaunchCommands.heapMb(64), is(LaunchCommands.MIN_HEAP_MB));
    assertThat(command, startsWith("{{JAVA_HOME}}"));
    assertThat(command, containsString("-Xmx768m"));
  }

  private static Path jar(Path file, Map<String, String> entries, String classPath)
      throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        jar.putNextEntry(new ZipEntry(e.getKey()));
        jar.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
      }
    }
    return file;
  }
}
