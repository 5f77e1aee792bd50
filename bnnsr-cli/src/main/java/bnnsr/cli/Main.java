package bnnsr.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code bnnsr} command-line tool. Subcommands are registered in {@link #commandLine()}. */
@Command(name = "bnnsr", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Binarized neural networks for single-image super-resolution (BAM / BSRN), in pure Java.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    /** The full command tree; each capability adds its subcommand here. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(new EvalCommand());
        cl.addSubcommand(new TrainCommand());
        cl.addSubcommand(new UpscaleCommand());
        cl.addSubcommand(new InfoCommand());
        cl.addSubcommand(new ExportCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new ChartCommand());
        cl.addSubcommand(new ServeCommand());
        cl.addSubcommand(new ReportCommand());
        Cli.configure(cl);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the jar manifest, falling back to the source tree's version during tests. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"bnnsr " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")",
                    "binary conv kernel: " + bnnsr.engine.kernels.PopcountKernel.describe()};
        }
    }
}
