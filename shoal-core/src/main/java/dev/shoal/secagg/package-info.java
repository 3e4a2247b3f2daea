/**
 * Cryptographic building blocks for secure aggregation (Bonawitz et al. 2017, Bell et al. 2020),
 * on the JDK's own providers only: Shamir secret sharing, X25519 key agreement, HKDF-SHA256,
 * AES-256-GCM share encryption, an AES-256-CTR mask generator, and fixed-point quantization
 * into Z<sub>2<sup>k</sup></sub>. The protocol that combines them is not here.
 */
package dev.shoal.secagg;
