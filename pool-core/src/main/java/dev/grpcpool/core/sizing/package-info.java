/**
 * How many channels a pool needs: {@link dev.grpcpool.core.sizing.PoolSizing} gives the rule of thumb by
 * workload and cores, and Little's law from a measured rate and latency. Pure functions of their arguments;
 * nothing here opens a connection. Thread-safe.
 */
package dev.grpcpool.core.sizing;
