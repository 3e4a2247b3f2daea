package dev.shoal.app;

import picocli.CommandLine;

/** Prints Shoal's version, the JVM and the platform. */
final class Version implements CommandLine.IVersionProvider {

  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "shoal " + (v == null ? "dev" : v),
      "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
      System.getProperty("os.name") + " " + System.getProperty("os.arch")
    };
  }
}
