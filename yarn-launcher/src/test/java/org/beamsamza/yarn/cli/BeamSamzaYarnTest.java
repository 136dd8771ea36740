package org.beamsamza.yarn.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import picocli.CommandLine;

/** The command line without a cluster: parsing, help, and {@code run} of mains that submit none. */
public class BeamSamzaYarnTest {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  /** What one execution printed and returned. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }
  }

  static Result execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BeamSamzaYarn.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static String mainOf(Class<?> type) {
    return type.getName();
  }

  @Test
  public void topLevelHelpNamesTheSubcommandsAndExitCodes() {
    Result r = execute("--help");
    assertThat(r.toString(), r.code(), is(0));
    assertThat(
        r.out(),
        allOf(
            containsString("run"),
            containsString("status"),
            containsString("kill"),
            containsString("64"),
            containsString("cancelled")));
  }

  @Test
  public void runHelpNamesItsOptionsAndExitCodes() {
    Result r = execute("run", "--help");
    assertThat(r.toString(), r.code(), is(0));
    assertThat(
        r.out(),
        allOf(
            containsString("--class"),
            containsString("--wait"),
            containsString("--hadoop-conf-dir"),
            containsString("[--] [program args...]"),
            containsString(" 2"),
            containsString("cancelled")));
  }

  @Test
  public void statusHelpNamesItsOptions() {
    Result r = execute("status", "--help");
    assertThat(r.toString(), r.code(), is(0));
    assertThat(
        r.out(),
        allOf(
            containsString("<applicationId>"),
            containsString("--hadoop-conf-dir"),
            containsString("--json")));
  }

  @Test
  public void killHelpNamesItsOptions() {
    Result r = execute("kill", "--help");
    assertThat(r.toString(), r.code(), is(0));
    assertThat(
        r.out(), allOf(containsString("<applicationId>"), containsString("--hadoop-conf-dir")));
  }

  @Test
  public void noSubcommandIsAUsageError() {
    Result r = execute();
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.USAGE));
    assertThat(r.err(), containsString("a subcommand is required"));
  }

  @Test
  public void runWithoutClassIsAUsageErrorNamingIt() {
    Result r = execute("run", "--wait");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.USAGE));
    assertThat(r.err(), containsString("--class"));
    assertThat(r.out(), is(""));
  }

  @Test
  public void unknownOptionIsAUsageErrorNamingIt() {
    Result r = execute("status", "--bogus", "application_1700000000000_0001");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.USAGE));
    assertThat(r.err(), containsString("--bogus"));
  }

  @Test
  public void programOptionsBeforeDoubleDashAreAUsageErrorWithAHint() {
    Result r =
        execute("run", "--class", mainOf(TestMains.RecordsArgs.class), "--runner=SamzaRunner");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.USAGE));
    assertThat(
        r.err(), allOf(containsString("--runner=SamzaRunner"), containsString("go after --")));
  }

  @Test
  public void malformedApplicationIdIsAUsageErrorNamingIt() {
    Result r = execute("kill", "job-42");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.USAGE));
    assertThat(r.err(), containsString("'job-42' is not a YARN application id"));
  }

  @Test
  public void unknownMainClassIsOneLineNamingIt() {
    Result r = execute("run", "--class", "no.such.Main");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(r.err(), containsString("--class no.such.Main: no such class on the classpath"));
    assertThat(r.toString(), r.err().strip().lines().count(), is(1L));
  }

  @Test
  public void classWithoutMainIsRefusedNamingIt() {
    Result r = execute("run", "--class", mainOf(TestMains.NoMain.class));
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(
        r.err(),
        containsString(mainOf(TestMains.NoMain.class) + ": has no public static void main"));
  }

  @Test
  public void waitForAMainThatSubmitsNothingFails() {
    Result r = execute("run", "--wait", "--class", mainOf(TestMains.SubmitsNothing.class));
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(r.err(), containsString("submitted no YARN application"));
    assertThat(r.err(), containsString("--deployment=yarn"));
  }

  @Test
  public void withoutWaitAMainThatSubmitsNothingSucceedsWithANote() {
    Result r = execute("run", "--class", mainOf(TestMains.SubmitsNothing.class));
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.OK));
    assertThat(r.err(), containsString("submitted no YARN application"));
  }

  @Test
  public void aMainThatThrowsFailsPrintingItsException() {
    Result r = execute("run", "--wait", "--class", mainOf(TestMains.Throws.class));
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(r.err(), containsString("java.lang.IllegalStateException: boom"));
    // the user's stack trace, not the reflection wrapper
    assertThat(r.err(), containsString("TestMains$Throws.main"));
    assertThat(r.err(), not(containsString("InvocationTargetException")));
  }

  @Test
  public void programArgumentsAfterDoubleDashReachTheMainUnchanged() {
    Result r =
        execute(
            "run",
            "--class",
            mainOf(TestMains.RecordsArgs.class),
            "--",
            "--runner=SamzaRunner",
            "--wait",
            "@notAFile");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.OK));
    assertThat(
        TestMains.RecordsArgs.received, is(List.of("--runner=SamzaRunner", "--wait", "@notAFile")));
  }

  @Test
  public void hadoopConfDirIsAppendedToTheProgramArguments() throws IOException {
    Path conf = confDir();
    Result r =
        execute(
            "run",
            "--hadoop-conf-dir",
            conf.toString(),
            "--class",
            mainOf(TestMains.RecordsArgs.class),
            "--",
            "--deployment=yarn");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.OK));
    assertThat(
        TestMains.RecordsArgs.received,
        is(List.of("--deployment=yarn", "--hadoopConfDir=" + conf)));
  }

  @Test
  public void theProgramsOwnHadoopConfDirWins() throws IOException {
    Path conf = confDir();
    Result r =
        execute(
            "run",
            "--hadoop-conf-dir=" + conf,
            "--class",
            mainOf(TestMains.RecordsArgs.class),
            "--",
            "--hadoopConfDir=/etc/other");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.OK));
    assertThat(TestMains.RecordsArgs.received, is(List.of("--hadoopConfDir=/etc/other")));
  }

  @Test
  public void aHadoopConfDirWithoutYarnSiteIsRefusedNamingTheOption() throws IOException {
    Path empty = temp.newFolder("empty").toPath();
    TestMains.RecordsArgs.received = null;
    Result r =
        execute(
            "run", "--hadoop-conf-dir=" + empty, "--class", mainOf(TestMains.RecordsArgs.class));
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(r.err(), containsString("--hadoop-conf-dir=" + empty + ": no yarn-site.xml"));
    assertThat("the program did not run", TestMains.RecordsArgs.received, is((List<String>) null));
  }

  @Test
  public void statusWithAHadoopConfDirWithoutYarnSiteIsRefusedNamingTheOption() throws IOException {
    Path empty = temp.newFolder("empty").toPath();
    Result r =
        execute("status", "--hadoop-conf-dir", empty.toString(), "application_1700000000000_0001");
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(r.err(), containsString("--hadoop-conf-dir=" + empty + ": no yarn-site.xml"));
  }

  private Path confDir() throws IOException {
    Path dir = temp.newFolder("conf").toPath();
    Files.writeString(dir.resolve("yarn-site.xml"), "<configuration/>\n", StandardCharsets.UTF_8);
    return dir;
  }
}
