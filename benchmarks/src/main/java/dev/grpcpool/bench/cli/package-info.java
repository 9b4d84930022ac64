/**
 * The {@code grpcpool} command line ({@link dev.grpcpool.bench.cli.GrpcPoolCli}, run by {@code scripts/grpcpool}):
 * one picocli subcommand per tool — {@code compare} and {@code baseline} (the compare tool), {@code load} and
 * {@code report} (the load generator), {@code sizing} (pool-core's sizing rules, or a measured sweep with
 * {@code --measure}) and {@code serve} (bench-server's echo fleet).
 *
 * <p>Subcommands only wire options to library calls. Exit codes are shared: 0 success, 1 a finding the user asked
 * about, 2 bad input with a one-line message naming the option and value; {@code load} adds its verdict's codes.
 * This package depends on every other one of the module; none depends on it.
 */
package dev.grpcpool.bench.cli;
