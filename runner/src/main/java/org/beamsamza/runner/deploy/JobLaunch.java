package org.beamsamza.runner.deploy;

import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;

/**
 * What a {@link JobLauncher} starts: the translated plan, its serialized form (what every task
 * deserializes its own copy of, and what a cluster deployment ships), the options and the metrics
 * the job reports into in this JVM (sources split here report to its shared part).
 */
public record JobLaunch(
    ExecutionPlan plan, byte[] serializedPlan, SamzaPipelineOptions options, JobMetrics metrics) {}
