/** The command line (picocli): one class per subcommand, {@link dev.exaone4j.cli.Main} lists them. */
package dev.exaone4j.cli;
