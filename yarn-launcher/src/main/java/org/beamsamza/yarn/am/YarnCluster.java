package org.beamsamza.yarn.am;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobCoordinator}'s requests made through YARN ({@code AMRMClientAsync} to the
 * ResourceManager, {@code NMClientAsync} to the NodeManagers), and YARN's callbacks fed back to it.
 */
final class YarnCluster implements JobCoordinator.Cluster {
  private static final Logger LOG = LoggerFactory.getLogger(YarnCluster.class);
  private static final Priority PRIORITY = Priority.newInstance(1);

  private final Resource capability;

  /** Builds the launch context of a container: (job-model container id, instance) to context. */
  private final BiFunction<String, Integer, ContainerLaunchContext> launchContexts;

  private final Map<String, Deque<ContainerRequest>> requests = new HashMap<>();
  private AMRMClientAsync<ContainerRequest> rm;
  private NMClientAsync nm;
  private JobCoordinator coordinator;

  YarnCluster(
      Resource capability, BiFunction<String, Integer, ContainerLaunchContext> launchContexts) {
    this.capability = capability;
    this.launchContexts = launchContexts;
  }

  void connect(AMRMClientAsync<ContainerRequest> rm, NMClientAsync nm, JobCoordinator coordinator) {
    this.rm = rm;
    this.nm = nm;
    this.coordinator = coordinator;
  }

  @Override
  public synchronized void request(String containerId, String host) {
    // Relaxed locality: the former host is a preference, any node will do if it has no room.
    ContainerRequest request =
        new ContainerRequest(
            capability, host == null ? null : new String[] {host}, null, PRIORITY, true);
    requests.computeIfAbsent(containerId, k -> new ArrayDeque<>()).add(request);
    rm.addContainerRequest(request);
  }

  @Override
  public synchronized void withdraw(String containerId) {
    Deque<ContainerRequest> pending = requests.get(containerId);
    if (pending != null && !pending.isEmpty()) {
      rm.removeContainerRequest(pending.poll());
    }
  }

  @Override
  public void launch(String containerId, int attempt, JobCoordinator.Slot slot) {
    Container container = (Container) slot.handle();
    nm.startContainerAsync(container, launchContexts.apply(containerId, attempt));
  }

  @Override
  public void release(JobCoordinator.Slot slot) {
    rm.releaseAssignedContainer(((Container) slot.handle()).getId());
  }

  static JobCoordinator.Slot slot(Container c) {
    return new JobCoordinator.Slot(c.getId().toString(), c.getNodeId().getHost(), c);
  }

  /** The ResourceManager's callbacks. */
  AMRMClientAsync.AbstractCallbackHandler rmCallbacks(Runnable onShutdownRequest) {
    return new AMRMClientAsync.AbstractCallbackHandler() {
      @Override
      public void onContainersAllocated(List<Container> containers) {
        coordinator.onAllocated(containers.stream().map(YarnCluster::slot).toList());
      }

      @Override
      public void onContainersCompleted(List<ContainerStatus> statuses) {
        for (ContainerStatus s : statuses) {
          coordinator.onExit(s.getContainerId().toString(), s.getExitStatus(), s.getDiagnostics());
        }
      }

      @Override
      public void onContainersUpdated(List<UpdatedContainer> containers) {}

      @Override
      public void onShutdownRequest() {
        LOG.warn("The ResourceManager asks this ApplicationMaster to shut down");
        onShutdownRequest.run();
      }

      @Override
      public void onNodesUpdated(List<NodeReport> updatedNodes) {}

      @Override
      public float getProgress() {
        return coordinator == null || coordinator.outcome() == null ? 0.5f : 1f;
      }

      @Override
      public void onError(Throwable e) {
        LOG.error("Lost the ResourceManager", e);
        onShutdownRequest.run();
      }
    };
  }

  /** The NodeManagers' callbacks. */
  NMClientAsync.AbstractCallbackHandler nmCallbacks() {
    return new NMClientAsync.AbstractCallbackHandler() {
      @Override
      public void onContainerStarted(ContainerId id, Map<String, ByteBuffer> serviceResponse) {
        LOG.info("Container {} started", id);
      }

      @Override
      public void onContainerStatusReceived(ContainerId id, ContainerStatus status) {}

      @Override
      public void onContainerStopped(ContainerId id) {}

      @Override
      public void onStartContainerError(ContainerId id, Throwable t) {
        coordinator.onLaunchFailed(id.toString(), t);
      }

      @Override
      public void onContainerResourceIncreased(ContainerId id, Resource resource) {}

      @Override
      public void onContainerResourceUpdated(ContainerId id, Resource resource) {}

      @Override
      public void onGetContainerStatusError(ContainerId id, Throwable t) {}

      @Override
      public void onIncreaseContainerResourceError(ContainerId id, Throwable t) {}

      @Override
      public void onUpdateContainerResourceError(ContainerId id, Throwable t) {}

      @Override
      public void onStopContainerError(ContainerId id, Throwable t) {}
    };
  }
}
