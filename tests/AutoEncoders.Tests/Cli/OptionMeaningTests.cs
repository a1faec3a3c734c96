using System.CommandLine;
using AutoEncoders.Cli;

namespace AutoEncoders.Tests.Cli;

/// <summary>One name per meaning: options that mean the same in several commands are spelled the same in each.</summary>
public sealed class OptionMeaningTests
{
    [Theory]
    [InlineData("--validation-split", "detect fit=--validation-fraction", "train", "detect fit", "sequence-anomaly fit")]
    [InlineData("--label-column", "inspect=--label", "inspect", "detect fit", "sequence-anomaly fit")]
    [InlineData("--contractive", null, "train", "pretrain")]
    [InlineData("--contractive-method", null, "train", "pretrain")]
    [InlineData("--kl", null, "train", "pretrain")]
    [InlineData("--l1", null, "train", "pretrain")]
    [InlineData("--noise", null, "train", "pretrain")]
    /// <param name="renamed">COMMAND=OLD: the command that used another spelling, which it still accepts.</param>
    public void The_option_has_one_name_in_every_command_that_takes_it(string name, string? renamed, params string[] commands)
    {
        string? renamedIn = renamed?.Split('=')[0];
        string? oldSpelling = renamed?.Split('=')[1];
        RootCommand root = AeApplication.CreateRootCommand();
        foreach (string path in commands)
        {
            Command command = path.Split(' ').Aggregate((Command)root, (c, n) => c.Subcommands.Single(s => s.Name == n));
            Option option = Assert.Single(command.Options, o => o.Name == name || o.Aliases.Contains(name) || (oldSpelling is not null && o.Aliases.Contains(oldSpelling)));
            Assert.Equal(name, option.Name);
            if (path == renamedIn)
            {
                Assert.Contains(oldSpelling, option.Aliases);
            }
        }
    }

    [Fact]
    public void The_old_validation_fraction_spelling_is_range_checked_under_the_new_name()
    {
        CliRun run = CliRun.Of("detect", "fit", "--table", "missing.csv", "--out", "d", "--validation-fraction", "1.5");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --validation-split: ", run.Error, StringComparison.Ordinal);
    }
}
