package dev.shoal.store;

/** Whether a node has been heard from recently. */
public enum NodeStatus {
  ONLINE,
  OFFLINE
}
