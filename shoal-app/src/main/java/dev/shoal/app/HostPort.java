package dev.shoal.app;

/** A {@code HOST:PORT} argument. */
record HostPort(String host, int port) {

  static HostPort parse(String value, String option) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UserError("%s must be HOST:PORT, got '%s'".formatted(option, value));
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new UserError("%s: port must be a number from 0 to 65535, got '%s'".formatted(option, value.substring(colon + 1)));
    }
  }

  dev.shoal.app.ops.Operations.Address operations() {
    return new dev.shoal.app.ops.Operations.Address(host, port);
  }

  /** The HTTP address, also answering to {@code allowedHosts} (see {@code --http-allowed-host}). */
  dev.shoal.app.ops.Operations.Address operations(java.util.Set<String> allowedHosts) {
    return new dev.shoal.app.ops.Operations.Address(host, port, allowedHosts);
  }
}
