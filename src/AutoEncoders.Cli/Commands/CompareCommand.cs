using System.CommandLine;
using AutoEncoders.Visualization;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae compare RUN_DIR...`: one HTML page with several runs side by side (metrics table, overlaid loss curves).</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("run-dirs") { Description = "Two or more run directories written by `ae train`.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o", "--output") { Description = "The HTML file to write (--output: the old name, still accepted).", DefaultValueFactory = _ => "compare.html" };
        var command = new Command("compare", "Put several runs side by side in one self-contained HTML page: what each run is, their metrics, and their loss curves overlaid.")
        {
            runs, output,
        };
        command.SetAction(parse =>
        {
            TextWriter writer = parse.InvocationConfiguration.Output;
            try
            {
                string path = ComparisonReport.Write(parse.GetValue(runs)!, parse.GetValue(output)!);
                writer.WriteLine($"wrote {path}");
                return 0;
            }
            catch (InvalidDataException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return AeApplication.Failure;
            }
        });
        return command;
    }
}
