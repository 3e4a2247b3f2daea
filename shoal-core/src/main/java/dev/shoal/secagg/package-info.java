/**
 * Secure aggregation: the SecAgg+ protocol (Bonawitz et al. 2017, with the sparse neighbour graph
 * of Bell et al. 2020) against a semi-honest coordinator, and its cryptographic building blocks
 * on the JDK's own providers only.
 *
 * <p>The protocol: {@link dev.shoal.secagg.SecAggParams} (parameters and their bounds),
 * {@code NeighbourGraph} (who masks with whom),
 * {@link dev.shoal.secagg.SecAggRequest} and {@link dev.shoal.secagg.SecAggReply} (the messages
 * of the four stages) with {@link dev.shoal.secagg.SecAggCodec} (their binary form),
 * {@link dev.shoal.secagg.SecAggClient} (one client), {@link dev.shoal.secagg.SecAggServer} (the
 * coordinator's side) and {@link dev.shoal.secagg.SecAggProtocol} (a whole round over a
 * {@link dev.shoal.secagg.SecAggChannel}, yielding a {@link dev.shoal.secagg.SecAggResult}).
 *
 * <p>The building blocks: Shamir secret sharing, X25519 key agreement, HKDF-SHA256, AES-256-GCM
 * share encryption, an AES-256-CTR mask generator, and fixed-point quantization into
 * Z<sub>2<sup>k</sup></sub>.
 */
package dev.shoal.secagg;
