package dev.shoal.strategy;

import dev.shoal.tensor.SafetensorsException;
import dev.shoal.tensor.SafetensorsFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Σ wᵢ·xᵢ over update files whose headers were already checked to agree: one pass over each
 * file that checks every value is finite and folds it into a float32 sum (one fused
 * multiply-add per value) while the block it came in is still in the core's cache.
 *
 * <p>The model's values, all tensors end to end, are cut into one contiguous range per thread.
 * Each thread folds its range of every file, file by file in order, so each sum element sees
 * the files in the same order whatever the number of threads (the result is the same bit for
 * bit). A thread reads its range with positional reads into one direct buffer of its own, so
 * memory stays O(model) however many files there are. (Not memory-mapped: Java 21 cannot unmap
 * a mapping before the garbage collector finds it, so the mapped pages of every file would count
 * against the process until then.) A non-finite value stops the fold; the error names the
 * earliest file that holds one, and within it the first such value.
 */
final class FileFold {

  /** Values read, checked and folded together: 256 KiB, which stays in the core's cache. */
  private static final int BLOCK = 1 << 16;

  /** Part of one tensor: values [from, to). */
  private record Piece(int tensor, int from, int to) {}

  /** A non-finite value: where it is, for the error and to find the earliest one. */
  private record Bad(int file, long flatIndex, String message) {}

  private final List<SafetensorsFile> files;
  private final float[] weights;
  private final List<String> names;
  private final float[][] sums;
  private final AtomicInteger firstBadFile = new AtomicInteger(Integer.MAX_VALUE);

  /**
   * @param names the tensors, in the order their values are numbered for splitting
   * @param sizes the number of values of each tensor
   * @param weights one weight per file, applied as float32
   */
  FileFold(List<SafetensorsFile> files, float[] weights, List<String> names, int[] sizes) {
    this.files = files;
    this.weights = weights;
    this.names = names;
    this.sums = new float[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      sums[t] = new float[sizes[t]];
    }
  }

  /**
   * Folds every file with {@code threads} threads (the calling one among them) and returns the
   * sums, one array per tensor.
   */
  float[][] run(int threads) throws IOException {
    List<FutureTask<Bad>> tasks = new ArrayList<>();
    for (List<Piece> range : split(Math.max(1, threads))) {
      tasks.add(new FutureTask<>(() -> fold(range)));
    }
    for (int i = 1; i < tasks.size(); i++) {
      Thread.ofPlatform().name("aggregate-" + i).start(tasks.get(i));
    }
    tasks.get(0).run();
    Bad earliest = null;
    for (FutureTask<Bad> task : tasks) {
      Bad b;
      try {
        b = task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while aggregating");
      } catch (ExecutionException e) {
        switch (e.getCause()) {
          case IOException io -> throw io;
          case RuntimeException r -> throw r;
          case Error err -> throw err;
          default -> throw new IllegalStateException(e.getCause());
        }
      }
      if (b != null && (earliest == null || b.file < earliest.file
          || (b.file == earliest.file && b.flatIndex < earliest.flatIndex))) {
        earliest = b;
      }
    }
    if (earliest != null) {
      throw new SafetensorsException(files.get(earliest.file).file().toString(), earliest.message);
    }
    return sums;
  }

  /** Folds {@code range} of every file in order; returns the first non-finite value met, or null. */
  private Bad fold(List<Piece> range) throws IOException {
    long rangeStart = range.isEmpty() ? 0 : flatIndex(range.get(0).tensor(), range.get(0).from());
    ByteBuffer block = ByteBuffer.allocateDirect(4 * BLOCK).order(ByteOrder.LITTLE_ENDIAN);
    for (int f = 0; f < files.size() && f <= firstBadFile.get(); f++) {
      SafetensorsFile file = files.get(f);
      try (FileChannel channel = FileChannel.open(file.file(), StandardOpenOption.READ)) {
        long seen = 0;
        for (Piece p : range) {
          long position = file.dataPosition(names.get(p.tensor()));
          float[] sum = sums[p.tensor()];
          for (int from = p.from(); from < p.to(); from += BLOCK) {
            int n = Math.min(BLOCK, p.to() - from);
            block.clear().limit(4 * n);
            fill(channel, block, position + 4L * from, file);
            int bad = foldBlock(block, n, weights[f], sum, from);
            if (bad >= 0) {
              firstBadFile.accumulateAndGet(f, Math::min);
              return new Bad(f, rangeStart + seen + (from + bad - p.from()),
                  "tensor '%s' holds a non-finite value (%s) at index %d"
                      .formatted(names.get(p.tensor()), block.getFloat(4 * bad), from + bad));
            }
          }
          seen += p.to() - p.from();
        }
      } catch (NoSuchFileException e) {
        throw new SafetensorsException(file.file().toString(), "no such file (it was removed while being aggregated)");
      }
    }
    return null;
  }

  /**
   * Checks and folds the {@code n} values in {@code block} into {@code sum} from index {@code at}:
   * first an OR over their exponent bits, which has the sign bit set only if some value has every
   * exponent bit set (is infinite or NaN), then the multiply-adds. Returns the position in the
   * block of the first non-finite value, or -1; a block with one is not added.
   */
  private static int foldBlock(ByteBuffer block, int n, float w, float[] sum, int at) {
    int or = 0;
    for (int i = 0; i < n; i++) {
      or |= (block.getInt(4 * i) & 0x7f800000) + 0x00800000;
    }
    if (or < 0) {
      for (int i = 0; i < n; i++) {
        if (!Float.isFinite(block.getFloat(4 * i))) {
          return i;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      sum[at + i] = Math.fma(w, block.getFloat(4 * i), sum[at + i]);
    }
    return -1;
  }

  private static void fill(FileChannel channel, ByteBuffer buf, long position, SafetensorsFile file) throws IOException {
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position);
      if (n < 0) {
        throw new SafetensorsException(file.file().toString(), "the file was truncated while being aggregated");
      }
      position += n;
    }
  }

  /** Cuts all values, tensors end to end, into {@code parts} contiguous ranges of about equal size. */
  private List<List<Piece>> split(int parts) {
    long total = 0;
    for (float[] s : sums) {
      total += s.length;
    }
    parts = (int) Math.max(1, Math.min(parts, total / BLOCK));
    List<List<Piece>> ranges = new ArrayList<>();
    int tensor = 0;
    int offset = 0;
    for (int r = 0; r < parts; r++) {
      long want = total * (r + 1) / parts - total * r / parts;
      List<Piece> range = new ArrayList<>();
      while (want > 0 && tensor < sums.length) {
        int take = (int) Math.min(want, sums[tensor].length - offset);
        if (take > 0) {
          range.add(new Piece(tensor, offset, offset + take));
        }
        want -= take;
        offset += take;
        if (offset == sums[tensor].length) {
          tensor++;
          offset = 0;
        }
      }
      ranges.add(range);
    }
    return ranges;
  }

  private long flatIndex(int tensor, int offset) {
    long n = offset;
    for (int t = 0; t < tensor; t++) {
      n += sums[t].length;
    }
    return n;
  }
}
