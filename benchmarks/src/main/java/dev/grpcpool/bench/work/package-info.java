/**
 * The work vocabulary of the benchmarks, shared by the JMH suites, the load generator and the CLI: the kinds
 * and preset amounts of simulated server work are bench-server's ({@link dev.grpcpool.server.WorkProfile#preset});
 * this package adds what the kinds mean to pool sizing ({@link dev.grpcpool.bench.work.SizingWorkload}).
 */
package dev.grpcpool.bench.work;
