package org.beamsamza.runner.tools;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(
    name = "print",
    mixinStandardHelpOptions = true,
    description = {
      "Prints every task's last checkpoint, one offset per line:",
      "tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>",
      "(lines starting with # are comments; the output is valid input of rewrite)."
    })
final class PrintCommand implements Callable<Integer> {
  @Mixin JobOptions job;
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadedCheckpoints loaded = LoadedCheckpoints.load(job);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "# checkpoint topic "
            + loaded.topic()
            + ": "
            + loaded.checkpoints().size()
            + " tasks; newest checkpoint written "
            + age(loaded.newestTimestamp()));
    loaded
        .checkpoints()
        .forEach(
            (task, cp) -> {
              if (cp.getOffsets().isEmpty()) {
                out.println("# task " + task.getName() + ": no offsets");
              }
              cp.getOffsets()
                  .forEach(
                      (ssp, offset) ->
                          out.println(LoadedCheckpoints.key(task, ssp) + "=" + offset));
            });
    out.flush();
    return 0;
  }

  private static String age(long timestamp) {
    if (timestamp < 0) {
      return "unknown";
    }
    return Instant.ofEpochMilli(timestamp)
        + " ("
        + Math.max(0, (System.currentTimeMillis() - timestamp) / 1000)
        + " s ago)";
  }
}
