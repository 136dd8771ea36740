package org.beamsamza.runtime.system;

/**
 * A {@link SystemConsumer} that releases its input only when the container that reads it has
 * processed everything so far, e.g. a test source that replays a script of elements, watermark
 * advances and processing-time advances and must not let one step overtake the effects of the one
 * before (Beam's TestStream, which the DirectRunner evaluates one event per quiescent point).
 *
 * <p>The container's run loop calls {@link #onQuiescent} on its own thread when it is fully idle:
 * no partition has a buffered message, a poll of every system returned nothing, and a {@code
 * window()} tick and a commit (which finish bundles, fire processing-time timers due now and flush
 * outputs) have run since the last message without producing anything new. Only a container that
 * runs every task of its job can see that the whole job is quiescent, so a job with such a consumer
 * must run in one container.
 */
public interface QuiescenceListener {
  /**
   * The container is quiescent. Returns true if the consumer released more work: messages its next
   * {@link SystemConsumer#poll} returns, or a change (e.g. of processing time) that the next {@code
   * window()} tick must see; the loop then runs until it is quiescent again and calls this again.
   * Returns false if it has nothing more to release; the loop then asks again only after it
   * processed another message.
   */
  boolean onQuiescent();
}
