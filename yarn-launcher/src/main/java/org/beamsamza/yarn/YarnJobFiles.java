package org.beamsamza.yarn;

/**
 * Names shared by the client, the ApplicationMaster and the containers of a job on YARN: files in
 * the application's staging directory (which every container sees in its working directory) and
 * environment variables.
 */
public final class YarnJobFiles {
  private YarnJobFiles() {}

  /** The serialized execution plan (its options inside). */
  public static final String PLAN = "beamsamza-plan.bin";

  /** Written by the ApplicationMaster when the job ends: its final status as JSON. */
  public static final String FINAL_STATUS = "final-status.json";

  /** Written by the ApplicationMaster when the job ends: the job's metrics (serialized). */
  public static final String FINAL_METRICS = "final-metrics.bin";

  /** Written by the ApplicationMaster when the job fails: the user's exception (serialized). */
  public static final String FINAL_FAILURE = "final-failure.bin";

  /** Env: the staging directory (a URI on the cluster's file system). */
  public static final String ENV_STAGING_DIR = "BEAMSAMZA_STAGING_DIR";

  /** Env of a task container: the job model's container id it runs. */
  public static final String ENV_CONTAINER_ID = "BEAMSAMZA_CONTAINER_ID";

  /** Env of a task container: the ApplicationMaster's base URL, where it reports. */
  public static final String ENV_AM_URL = "BEAMSAMZA_AM_URL";

  /** Env of a task container: how many instances of this container ran before (0 the first). */
  public static final String ENV_ATTEMPT = "BEAMSAMZA_CONTAINER_ATTEMPT";
}
