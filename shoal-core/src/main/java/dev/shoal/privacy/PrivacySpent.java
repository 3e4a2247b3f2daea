package dev.shoal.privacy;

/**
 * An (ε, δ) guarantee derived from RDP: {@code epsilon} for the δ asked for, reached at RDP
 * order {@code order} (NaN when no order gives a finite ε).
 */
public record PrivacySpent(double epsilon, double order) {}
