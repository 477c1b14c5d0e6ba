package dev.exaone4j.tensor.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the kernel JMH benchmarks with short settings (1 fork, 3 x 1 s warm-up, 5 x 1 s measurement):
 * {@code KernelBench [REGEX] [param=v1,v2 ...]}, e.g. {@code KernelBench MatVecBench.dotRows type=Q4_K,Q8_0}.
 * REGEX selects benchmarks (default: all of this package); each param=... restricts a {@code @Param}.
 * Not a test: surefire runs only *Test classes.
 */
public final class KernelBench {
    private KernelBench() {}

    public static void main(String[] args) throws RunnerException {
        String include = args.length > 0 && !args[0].contains("=") ? args[0] : KernelBench.class.getPackageName() + ".*Bench";
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(include)
                .exclude(KernelBench.class.getName())
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g");
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) o.param(a.substring(0, eq), a.substring(eq + 1).split(","));
        }
        new Runner(o.build()).run();
    }
}
