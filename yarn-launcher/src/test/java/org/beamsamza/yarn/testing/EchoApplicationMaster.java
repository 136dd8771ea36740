package org.beamsamza.yarn.testing;

import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.beamsamza.yarn.client.ApplicationStaging;
import org.beamsamza.yarn.client.LaunchCommands;
import org.beamsamza.yarn.client.StagedFiles;

/**
 * A test ApplicationMaster: registers with the RM, runs {@link EchoContainerMain} in {@code count}
 * containers (marker {@code <markerDir>/marker-<i>}), waits for them, unregisters SUCCEEDED if all
 * exited 0 (FAILED otherwise) and exits.
 *
 * <p>Arguments: {@code <markerDir> <stagingDir> <count> <containerMemoryMb>}. The containers get
 * the files this AM was launched with, read back from the staging directory. The configuration
 * (yarn-site.xml) comes from the container's working directory, which is on the classpath.
 */
public final class EchoApplicationMaster {

  private EchoApplicationMaster() {}

  public static void main(String[] args) throws Exception {
    String markerDir = args[0];
    Path stagingDir = new Path(args[1]);
    int count = Integer.parseInt(args[2]);
    int memoryMb = Integer.parseInt(args[3]);
    YarnConfiguration conf = new YarnConfiguration();
    StagedFiles staged = ApplicationStaging.read(FileSystem.get(conf), stagingDir);

    CountDownLatch completed = new CountDownLatch(count);
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger launched = new AtomicInteger();
    Queue<ContainerRequest> pending = new ConcurrentLinkedQueue<>();
    Set<ContainerId> released = ConcurrentHashMap.newKeySet();
    NMClientAsync nm = NMClientAsync.createNMClientAsync(new NmCallbacks(failures, completed));
    nm.init(conf);
    nm.start();
    AtomicReference<AMRMClientAsync<ContainerRequest>> rmRef = new AtomicReference<>();
    AMRMClientAsync<ContainerRequest> rm =
        AMRMClientAsync.createAMRMClientAsync(
            200,
            new AMRMClientAsync.AbstractCallbackHandler() {
              @Override
              public void onContainersAllocated(List<Container> containers) {
                for (Container container : containers) {
                  // A satisfied request is withdrawn, or the client asks for it again.
                  ContainerRequest request = pending.poll();
                  if (request != null) {
                    rmRef.get().removeContainerRequest(request);
                  }
                  int index = launched.getAndIncrement();
                  if (index >= count) {
                    released.add(container.getId());
                    rmRef.get().releaseAssignedContainer(container.getId());
                    continue;
                  }
                  String marker = Paths.get(markerDir, "marker-" + index).toString();
                  ContainerLaunchContext context =
                      LaunchCommands.javaContainer(
                          staged,
                          memoryMb,
                          List.of(),
                          EchoContainerMain.class.getName(),
                          List.of(marker),
                          Map.of());
                  nm.startContainerAsync(container, context);
                }
              }

              @Override
              public void onContainersCompleted(List<ContainerStatus> statuses) {
                for (ContainerStatus status : statuses) {
                  System.out.println("completed " + status);
                  if (released.contains(status.getContainerId())) {
                    continue;
                  }
                  if (status.getExitStatus() != 0) {
                    failures.incrementAndGet();
                  }
                  completed.countDown();
                }
              }

              @Override
              public void onContainersUpdated(List<UpdatedContainer> containers) {}

              @Override
              public void onShutdownRequest() {
                failures.incrementAndGet();
                while (completed.getCount() > 0) {
                  completed.countDown();
                }
              }

              @Override
              public void onNodesUpdated(List<NodeReport> updatedNodes) {}

              @Override
              public float getProgress() {
                return 1f - (float) completed.getCount() / count;
              }

              @Override
              public void onError(Throwable e) {
                e.printStackTrace();
                failures.incrementAndGet();
                while (completed.getCount() > 0) {
                  completed.countDown();
                }
              }
            });
    rmRef.set(rm);
    rm.init(conf);
    rm.start();
    rm.registerApplicationMaster("", 0, "");
    for (int i = 0; i < count; i++) {
      ContainerRequest request =
          new ContainerRequest(
              Resource.newInstance(memoryMb, 1), null, null, Priority.newInstance(0));
      pending.add(request);
      rm.addContainerRequest(request);
    }
    boolean done = completed.await(3, TimeUnit.MINUTES);
    boolean succeeded = done && failures.get() == 0;
    // Printed before unregistering: once the RM reports the application finished, a reader of
    // this stdout must find the line.
    System.out.println("unregistering, succeeded=" + succeeded);
    rm.unregisterApplicationMaster(
        succeeded ? FinalApplicationStatus.SUCCEEDED : FinalApplicationStatus.FAILED,
        done ? failures + " failed containers" : "containers did not complete in 3 minutes",
        "");
    // An AM that unregistered does not necessarily end: the clients' threads are not daemons.
    System.exit(0);
  }

  private static final class NmCallbacks extends NMClientAsync.AbstractCallbackHandler {
    private final AtomicInteger failures;
    private final CountDownLatch completed;

    NmCallbacks(AtomicInteger failures, CountDownLatch completed) {
      this.failures = failures;
      this.completed = completed;
    }

    @Override
    public void onContainerStarted(
        ContainerId containerId, Map<String, java.nio.ByteBuffer> allServiceResponse) {
      System.out.println("started " + containerId);
    }

    @Override
    public void onStartContainerError(ContainerId containerId, Throwable t) {
      t.printStackTrace();
      failures.incrementAndGet();
      completed.countDown();
    }

    @Override
    public void onContainerStatusReceived(ContainerId containerId, ContainerStatus status) {}

    @Override
    public void onContainerStopped(ContainerId containerId) {}

    @Override
    public void onContainerResourceIncreased(ContainerId containerId, Resource resource) {}

    @Override
    public void onContainerResourceUpdated(ContainerId containerId, Resource resource) {}

    @Override
    public void onIncreaseContainerResourceError(ContainerId containerId, Throwable t) {}

    @Override
    public void onUpdateContainerResourceError(ContainerId containerId, Throwable t) {}

    @Override
    public void onGetContainerStatusError(ContainerId containerId, Throwable t) {}

    @Override
    public void onStopContainerError(ContainerId containerId, Throwable t) {}
  }
}
