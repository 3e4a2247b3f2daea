package dev.shoal.round;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Calls many clients at once on virtual threads and hands each outcome to a consumer as it
 * arrives, on the calling thread. Calls still running at the deadline are cancelled and
 * reported as timed out.
 */
final class FanOut {

  /** The result of one call: a value, or the reason it has none. */
  record Outcome<K, R>(K key, R value, String failure) {
    boolean ok() {
      return failure == null;
    }
  }

  private FanOut() {}

  static <K, R> void call(List<K> keys, Function<K, Callable<R>> call, Duration timeout, Consumer<Outcome<K, R>> sink) {
    if (keys.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      var completion = new ExecutorCompletionService<Outcome<K, R>>(pool);
      List<Future<Outcome<K, R>>> futures = new ArrayList<>();
      for (K key : keys) {
        Callable<R> c = call.apply(key);
        futures.add(completion.submit(() -> new Outcome<>(key, c.call(), null)));
      }
      List<K> pending = new ArrayList<>(keys);
      for (int done = 0; done < keys.size(); done++) {
        Future<Outcome<K, R>> f;
        try {
          f = completion.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          f = null;
        }
        if (f == null) {
          futures.forEach(x -> x.cancel(true));
          for (K key : pending) {
            sink.accept(new Outcome<>(key, null, "timed out after " + timeout.toSeconds() + "s"));
          }
          pool.shutdownNow();
          return;
        }
        Outcome<K, R> outcome = unwrap(f, keys, futures);
        pending.remove(outcome.key());
        sink.accept(outcome);
      }
    }
  }

  private static <K, R> Outcome<K, R> unwrap(Future<Outcome<K, R>> f, List<K> keys, List<Future<Outcome<K, R>>> futures) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      K key = keys.get(futures.indexOf(f));
      Throwable cause = e.getCause();
      String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return new Outcome<>(key, null, reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome<>(keys.get(futures.indexOf(f)), null, "interrupted");
    }
  }
}
