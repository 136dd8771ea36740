package org.beamsamza.yarn.cli;

import java.util.List;

/** Programs for {@code run --class} in the tests; none submits a YARN application. */
public final class TestMains {
  private TestMains() {}

  /** Returns at once, as a program that ran its pipeline on another runner would. */
  public static final class SubmitsNothing {
    public static void main(String[] args) {}
  }

  /** Fails before submitting anything. */
  public static final class Throws {
    public static void main(String[] args) {
      throw new IllegalStateException("boom");
    }
  }

  /** Keeps the arguments it was given, for the test to read. */
  public static final class RecordsArgs {
    static volatile List<String> received;

    public static void main(String[] args) {
      received = List.of(args);
    }
  }

  /** A class without a main. */
  public static final class NoMain {}
}
