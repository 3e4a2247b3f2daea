package dev.shoal.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Writes a new file past the page cache (O_DIRECT) where the file system allows it: the disk takes
 * the bytes from an aligned buffer, so the CPU does not copy every byte into cached pages first.
 * An upload of a model is written once and read back once or twice, so caching it while it is
 * written buys nothing. File systems that refuse O_DIRECT (tmpfs, some network file systems) get
 * an ordinary write. Either way the caller still forces the file to disk before it counts as stored.
 */
public final class UnbufferedFile implements AutoCloseable {

  private static final int STAGE_BYTES = 1 << 20;
  /** Staging buffers are aligned for any block size up to this. */
  private static final int MAX_BLOCK = 1 << 16;
  /** Staging buffers kept for the next files (one per upload in flight, up to this many). */
  private static final int POOLED = 64;
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();

  private final FileChannel channel;
  private final ByteBuffer stage;
  private final int block;
  private long size;
  private boolean closed;

  private UnbufferedFile(FileChannel channel, ByteBuffer stage, int block) {
    this.channel = channel;
    this.stage = stage;
    this.block = block;
  }

  /** Opens {@code file}, which exists and is empty, for writing. */
  public static UnbufferedFile open(Path file) throws IOException {
    return open(file, true);
  }

  /** {@code direct} false writes through the page cache whatever the file system. */
  static UnbufferedFile open(Path file, boolean direct) throws IOException {
    if (direct) {
      try {
        // whole 4 KiB blocks at least: some devices need them even where the file system reports 512
        long block = Math.max(4096, Files.getFileStore(file).getBlockSize());
        if (block <= MAX_BLOCK && MAX_BLOCK % block == 0) {
          FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
          ByteBuffer stage = POOL.poll();
          if (stage == null) {
            stage = ByteBuffer.allocateDirect(STAGE_BYTES + MAX_BLOCK).alignedSlice(MAX_BLOCK);
          }
          return new UnbufferedFile(channel, stage.clear(), (int) block);
        }
      } catch (IOException | UnsupportedOperationException refused) {
        // this file system does not do O_DIRECT: write through the page cache below
      }
    }
    return new UnbufferedFile(FileChannel.open(file, StandardOpenOption.WRITE), null, 0);
  }

  /** Whether the file is written past the page cache. */
  public boolean direct() {
    return stage != null;
  }

  /** Appends what remains of {@code parts}, consuming them. */
  public void write(ByteBuffer... parts) throws IOException {
    for (ByteBuffer part : parts) {
      size += part.remaining();
      if (stage == null) {
        while (part.hasRemaining()) {
          channel.write(part);
        }
        continue;
      }
      while (part.hasRemaining()) {
        int n = Math.min(part.remaining(), stage.remaining());
        stage.put(stage.position(), part, part.position(), n);
        stage.position(stage.position() + n);
        part.position(part.position() + n);
        if (!stage.hasRemaining()) {
          writeStage();
        }
      }
    }
  }

  /** Writes what is still staged; the file then holds exactly the bytes given to {@link #write}. */
  public void finish() throws IOException {
    if (stage == null || stage.position() == 0) {
      return;
    }
    // direct writes go in whole blocks: pad the last one, then cut the file back to its size
    int padded = (stage.position() + block - 1) / block * block;
    while (stage.position() < padded) {
      stage.put((byte) 0);
    }
    writeStage();
    channel.truncate(size);
  }

  private void writeStage() throws IOException {
    stage.flip();
    while (stage.hasRemaining()) {
      channel.write(stage);
    }
    stage.clear();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      if (stage != null && POOL.size() < POOLED) {
        POOL.offer(stage);
      }
    }
  }
}
