package dev.shoal.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of labelled images: one subfolder per class ({@code cat/0001.png}, {@code dog/x.jpg}),
 * the class names being the subfolder names in sorted order (or the declared classes). Images are
 * decoded with {@code javax.imageio} (PNG, JPEG, BMP, GIF), resized to the declared size (or that
 * of the first image) with bilinear interpolation, and kept with their channels: greyscale images
 * give one channel, colour images three (red, green, blue), as {@code [channels, height, width]}
 * with values in [0, 1].
 */
public final class ImageFolder {

  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

  private ImageFolder() {}

  /** Whether {@code dir} looks like an image folder: a subfolder holding an image file. */
  public static boolean looksLike(Path dir) throws IOException {
    try (Stream<Path> subs = Files.list(dir)) {
      for (Path sub : subs.filter(Files::isDirectory).toList()) {
        if (!images(sub).isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Loads every image under {@code dir}.
   *
   * @param declared the schema to load under (its shape gives channels and size), or empty
   * @throws DataFormatException naming the image that does not decode, or the class that is not declared
   */
  public static Dataset load(Path dir, Optional<Schema> declared) throws IOException {
    List<Path> classDirs;
    try (Stream<Path> subs = Files.list(dir)) {
      classDirs = subs.filter(Files::isDirectory).sorted().toList();
    }
    List<String> classes = declared.map(Schema::classes)
        .orElse(classDirs.stream().map(p -> p.getFileName().toString()).toList());
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path sub : classDirs) {
      List<Path> images = images(sub);
      if (images.isEmpty()) {
        continue;
      }
      int k = classes.indexOf(sub.getFileName().toString());
      if (k < 0) {
        throw new DataFormatException(sub.toString(), "is not one of the declared classes %s".formatted(classes));
      }
      for (Path f : images) {
        files.add(f);
        labels.add(k);
      }
    }
    if (files.isEmpty()) {
      throw new DataFormatException(dir.toString(), "holds no images; expected CLASS/*.png or CLASS/*.jpg");
    }
    int channels;
    int height;
    int width;
    if (declared.isPresent()) {
      int[] s = declared.get().shape();
      if (s.length != 3 || (s[0] != 1 && s[0] != 3)) {
        throw new DataFormatException(dir.toString(), "the declared input shape %s is not [channels (1 or 3), height, width]"
            .formatted(declared.get().inputShape()));
      }
      channels = s[0];
      height = s[1];
      width = s[2];
    } else {
      BufferedImage first = decode(files.get(0));
      height = first.getHeight();
      width = first.getWidth();
      channels = 1;
      for (Path f : files) {
        if (colour(decode(f))) {
          channels = 3;
          break;
        }
      }
    }
    Schema schema = declared.isPresent() ? declared.get() : new Schema(
        classes.size() == 2 ? Task.BINARY : Task.CLASSIFICATION, List.of(channels, height, width), List.of(), classes);
    if (schema.classCount() < 2) {
      throw new DataFormatException(dir.toString(), "has only the class %s; classification needs at least 2 class folders"
          .formatted(classes));
    }
    int size = channels * height * width;
    float[] features = new float[Math.multiplyExact(files.size(), size)];
    float[] targets = new float[files.size()];
    for (int i = 0; i < files.size(); i++) {
      BufferedImage img = resize(decode(files.get(i)), width, height);
      int plane = height * width;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int rgb = img.getRGB(x, y);
          int r = (rgb >> 16) & 0xff;
          int g = (rgb >> 8) & 0xff;
          int b = rgb & 0xff;
          int at = i * size + y * width + x;
          if (channels == 1) {
            features[at] = img.getRaster().getNumBands() == 1 ? img.getRaster().getSample(x, y, 0) / 255f
                : (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
          } else {
            features[at] = r / 255f;
            features[at + plane] = g / 255f;
            features[at + 2 * plane] = b / 255f;
          }
        }
      }
      targets[i] = labels.get(i);
    }
    return new Dataset(schema, features, targets);
  }

  private static List<Path> images(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
      }).sorted().toList();
    }
  }

  private static BufferedImage decode(Path file) throws IOException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(file.toString(), "does not decode as an image: " + e.getMessage());
    }
    if (img == null) {
      throw new DataFormatException(file.toString(), "does not decode as an image (not PNG, JPEG, BMP or GIF, or damaged)");
    }
    return img;
  }

  private static boolean colour(BufferedImage img) {
    return img.getColorModel().getColorSpace().getNumComponents() >= 3;
  }

  private static BufferedImage resize(BufferedImage img, int width, int height) {
    if (img.getWidth() == width && img.getHeight() == height) {
      return img;
    }
    int type = img.getRaster().getNumBands() == 1 && !colour(img) ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
    BufferedImage out = new BufferedImage(width, height, type);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, width, height, null);
    g.dispose();
    return out;
  }
}
