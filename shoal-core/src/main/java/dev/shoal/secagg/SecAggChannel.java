package dev.shoal.secagg;

/**
 * How the coordinator reaches one client: sends a request and waits for the reply. A call that
 * throws, or returns null, makes the client a dropout at that stage.
 */
@FunctionalInterface
public interface SecAggChannel {
  SecAggReply call(String client, SecAggRequest request) throws Exception;
}
