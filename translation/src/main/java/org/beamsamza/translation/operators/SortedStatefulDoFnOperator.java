package org.beamsamza.translation.operators;

import java.util.List;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.RecentStateCells;
import org.beamsamza.state.beam.StepState;
import org.joda.time.Instant;

/**
 * A ParDo with state or timers over <b>bounded</b> input and without side inputs, run the way the
 * Flink and Spark batch translations run one: sorted by key ({@link SortedKeyedInput}), then each
 * key once at the end of input, with its state and timers on the heap. Such input's watermark stays
 * at its start until the input ends, so on the streaming path ({@link StatefulDoFnOperator}) every
 * timer fires at the end anyway, after every element; there, though, each element reads and writes
 * its state cells and timers through the store, where here it costs one store append and its state
 * calls are heap lookups.
 *
 * <p>The DoFn runs in the same runners-core runners as on the streaming path ({@link
 * StatefulDoFnOperator#statefulRunner}); after a key's elements its timers fire in the streaming
 * path's end-of-input order (pending processing-time timers first, then the watermark moves to the
 * end and timers fire until none is left), so each key's output is the streaming path's. Only the
 * order of output across keys differs, which Beam does not define. A key with more elements than
 * the heap bound keeps its state in the store, so that a hot key's bag need not fit on the heap.
 * Side inputs are not taken here: one may still be unready when the main input ends.
 */
public final class SortedStatefulDoFnOperator extends SortedKeyedOperator<Object, Object> {
  /**
   * @param stateful the DoFn and its step, as for the streaming path (no side inputs)
   * @param elementCoder the keyed input's windowed-value coder (values without their key)
   * @param heapElements a key with more elements than this keeps its state in the store
   */
  public record Spec(
      StatefulDoFnOperator.Spec stateful,
      Coder<WindowedValue<Object>> elementCoder,
      int heapElements)
      implements OperatorFactory {
    public Spec {
      if (!stateful.sideInputs().isEmpty()) {
        throw new IllegalArgumentException("a sorted stateful ParDo takes no side inputs");
      }
    }

    @Override
    public Operator create() {
      return new SortedStatefulDoFnOperator(this);
    }
  }

  private final Spec spec;
  private OperatorContext context;
  private DoFnInvoker<Object, Object> invoker;
  private StepState state;
  private DoFnRunner<Object, Object> runner;

  /** The state and timers of the key being run: the step context answers with these. */
  private StateInternals currentState;

  private InMemoryTimerInternals currentTimers;

  /**
   * The key's last few state cells: runners-core's parameter binding asks for each of a DoFn's
   * cells on every element, and the heap state's table answers with hash lookups on a new namespace
   * and tag each time.
   */
  private final RecentStateCells recentCells = new RecentStateCells();

  /**
   * The timer set last, while it is certainly still pending (no delete or firing since): setting it
   * again changes nothing and is skipped. runners-core's stateful runner sets its window's
   * garbage-collection timer again for every element, and the heap timers would remove and re-add
   * it in their tables each time.
   */
  private TimerData lastTimerSet;

  private boolean doFnInBundle;

  private SortedStatefulDoFnOperator(Spec spec) {
    this.spec = spec;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void open(OperatorContext context) {
    this.context = context;
    StatefulDoFnOperator.Spec stateful = spec.stateful();
    invoker = DoFnInvokers.invokerFor((DoFn<Object, Object>) stateful.doFn());
    invoker.invokeSetup(new DoFnOperator.SetupArguments<>(context));
    state =
        new StepState(
            context.stateStore(),
            context.stepName(),
            stateful.windowingStrategy().getWindowFn().windowCoder());
    openInput(
        context,
        state.keyedElementLog(),
        (Coder<Object>) stateful.keyCoder(),
        spec.elementCoder(),
        spec.heapElements());
    runner =
        StatefulDoFnOperator.statefulRunner(
            stateful, context, new CurrentKey(), NullSideInputReader.empty());
  }

  /**
   * The DoFn's bundles cover its runs only: the task's bundles before the end of input only log
   * elements, and the DoFn sees none of them (an empty bundle would still call its
   * {@code @StartBundle} and {@code @FinishBundle}).
   */
  @Override
  public void finishBundle() {
    if (doFnInBundle) {
      doFnInBundle = false;
      runner.finishBundle();
    }
  }

  @Override
  protected void afterKeys() {
    currentState = null;
    currentTimers = null;
    recentCells.clear();
    lastTimerSet = null;
  }

  @Override
  protected void runKey(SortedKeyedInput.SortedKey<Object, Object> sorted) throws Exception {
    context.ensureBundleStarted();
    if (!doFnInBundle) {
      doFnInBundle = true;
      runner.startBundle();
    }
    Object key = sorted.key();
    currentState =
        sorted.fitsOnHeap()
            ? InMemoryStateInternals.forKey(key)
            : state.forKey(new ByteKey(sorted.keyBytes()), key);
    recentCells.clear();
    currentTimers = HeapKeyTimers.startingAt(context.processingClock().now());
    lastTimerSet = null;
    List<WindowedValue<Object>> elements = sorted.first();
    do {
      for (WindowedValue<Object> element : elements) {
        runner.processElement(element.withValue(KV.of(key, element.getValue())));
      }
    } while (!(elements = sorted.next()).isEmpty());
    HeapKeyTimers.fireAll(
        currentTimers,
        KeyedTimerDriver.EndOfInput.FIRE_ALL_TIMERS,
        timer -> {
          lastTimerSet = null; // a timer set again from here on is new
          StatefulDoFnOperator.fireTimer(runner, key, timer);
        });
  }

  @Override
  public void close() {
    if (invoker != null) {
      invoker.invokeTeardown();
    }
  }

  /**
   * The step context runners-core's runners keep for their whole life: views of the current key's
   * state and timers.
   */
  private final class CurrentKey implements StepContext {
    private final StateInternals stateView =
        new ForwardingStateInternals() {
          @Override
          protected StateInternals delegate() {
            return currentState();
          }

          @Override
          @SuppressWarnings("unchecked")
          public <T extends State> T state(
              StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
            State recent = recentCells.find(namespace, address.getId());
            if (recent != null) {
              return (T) recent;
            }
            T cell = currentState().state(namespace, address, c);
            recentCells.remember(namespace, address.getId(), cell);
            return cell;
          }
        };

    private final TimerInternals timerView =
        new ForwardingTimerInternals() {
          @Override
          protected TimerInternals delegate() {
            if (currentTimers == null) {
              throw new IllegalStateException("timer used outside of a key's run");
            }
            return currentTimers;
          }

          @Override
          public void setTimer(
              StateNamespace namespace,
              String timerId,
              String timerFamilyId,
              Instant target,
              Instant outputTimestamp,
              TimeDomain timeDomain) {
            setTimer(
                TimerData.of(
                    timerId, timerFamilyId, namespace, target, outputTimestamp, timeDomain));
          }

          @Override
          public void setTimer(TimerData timer) {
            if (!timer.equals(lastTimerSet)) {
              delegate().setTimer(timer);
              lastTimerSet = timer;
            }
          }

          @Override
          public void deleteTimer(
              StateNamespace namespace,
              String timerId,
              String timerFamilyId,
              TimeDomain timeDomain) {
            lastTimerSet = null;
            super.deleteTimer(namespace, timerId, timerFamilyId, timeDomain);
          }

          @Override
          public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
            lastTimerSet = null;
            super.deleteTimer(namespace, timerId, timerFamilyId);
          }

          @Override
          public void deleteTimer(TimerData timerKey) {
            lastTimerSet = null;
            super.deleteTimer(timerKey);
          }
        };

    private StateInternals currentState() {
      if (currentState == null) {
        throw new IllegalStateException("keyed state used outside of a key's run");
      }
      return currentState;
    }

    @Override
    public StateInternals stateInternals() {
      return stateView;
    }

    @Override
    public TimerInternals timerInternals() {
      return timerView;
    }

    @Override
    public DoFn.BundleFinalizer bundleFinalizer() {
      return context.bundleFinalizer();
    }
  }
}
