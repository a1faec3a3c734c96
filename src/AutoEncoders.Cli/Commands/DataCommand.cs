using System.CommandLine;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// The scaffolding of the commands that take one path argument (a model directory, an index file), their own
/// options, then the data options and the runtime options: <see cref="ModelOnDataCommand"/> and
/// <see cref="IndexOnDataCommand"/>. The action runs after the runtime is configured (default seed 0).
/// </summary>
internal static class DataCommand
{
    public static Command Create(string name, string description, Argument<string> target, IEnumerable<Option> options,
        Func<ParseResult, TextWriter, string, DataArguments, CommonOptions, int> run)
    {
        var common = new CommonOptions();
        var data = new DataArguments();
        var command = new Command(name, description) { target };
        foreach (Option option in options)
        {
            command.Options.Add(option);
        }

        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            return run(parse, stdout, parse.GetValue(target)!, data, common);
        });
        return command;
    }
}
