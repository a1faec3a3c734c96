using System.CommandLine;
using AutoEncoders.Cli;

namespace AutoEncoders.Tests.Cli;

/// <summary>One option name per meaning across every `ae` command.</summary>
public sealed class OptionNamingTests
{
    // A short alias means one thing everywhere, so its long name must be the same everywhere.
    private static readonly Dictionary<string, string> LongNameOfAlias = new(StringComparer.Ordinal)
    {
        ["-o"] = "--out",
        ["-k"] = "--neighbours",
        ["-r"] = "--recipe",
    };

    private static IEnumerable<(string Command, Option Option)> AllOptions(Command command, string path)
    {
        foreach (Option option in command.Options)
        {
            yield return (path, option);
        }

        foreach (Command sub in command.Subcommands)
        {
            foreach ((string, Option) found in AllOptions(sub, $"{path} {sub.Name}"))
            {
                yield return found;
            }
        }
    }

    [Fact]
    public void Every_short_alias_has_the_same_long_name_in_every_command()
    {
        var wrong = new List<string>();
        int checkedCount = 0;
        foreach ((string command, Option option) in AllOptions(AeApplication.CreateRootCommand(), "ae"))
        {
            foreach ((string alias, string name) in LongNameOfAlias)
            {
                if (option.Name == alias || option.Aliases.Contains(alias))
                {
                    checkedCount++;
                    if (option.Name != name)
                    {
                        wrong.Add($"{command}: {option.Name} (alias {alias}) should be {name}");
                    }
                }
            }

            // The spellings that lost: still accepted as aliases, never the name.
            Assert.DoesNotContain(option.Name, new[] { "--output", "--k" });
        }

        Assert.Empty(wrong);
        Assert.True(checkedCount >= 15, $"only {checkedCount} options with a short alias were found");
    }

    [Theory]
    [InlineData("compare", "--out", "--output")]
    [InlineData("probe", "--neighbours", "--k")]
    public void The_old_spelling_still_parses_as_the_new_option(string command, string name, string old)
    {
        Command sub = AeApplication.CreateRootCommand().Subcommands.Single(c => c.Name == command);
        Option option = sub.Options.Single(o => o.Name == name);
        Assert.Contains(old, option.Aliases);
    }

    [Fact]
    public void Compare_writes_its_page_with_out_and_with_the_old_output()
    {
        // Unreadable runs are refused the same way under both spellings, naming the run rather than the option.
        using var folder = new TempDirectory();
        foreach (string spelling in new[] { "--out", "--output", "-o" })
        {
            CliRun run = CliRun.Of("compare", folder.Path, folder.Path, spelling, Path.Combine(folder.Path, "c.html"));
            Assert.DoesNotContain("Unrecognized", run.Error, StringComparison.Ordinal);
            Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        }
    }
}
