using System.CommandLine;
using AutoEncoders.Cli;
using AutoEncoders.Tests.Packaging;

namespace AutoEncoders.Tests.Cli;

/// <summary>docs/cli.md is generated from the command definitions (`ae docs cli`) and must not fall behind them.</summary>
public sealed class CliReferenceTests
{
    private static readonly string CommittedPath = Path.Combine(RepositoryFolder.Root, "docs", "cli.md");

    [Fact]
    public void Docs_cli_md_is_what_ae_docs_cli_writes()
    {
        CliRun run = CliRun.Of("docs", "cli");
        Assert.Equal(0, run.ExitCode);
        Assert.True(
            File.ReadAllText(CommittedPath) == run.Output,
            "docs/cli.md is stale: the commands changed. Refresh it with `dotnet build AutoEncoders.slnx -c Release && dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll docs cli > docs/cli.md`.");
    }

    [Fact]
    public void Docs_recipes_md_is_what_ae_docs_recipes_writes_and_names_every_field()
    {
        CliRun run = CliRun.Of("docs", "recipes");
        Assert.Equal(0, run.ExitCode);
        Assert.True(
            File.ReadAllText(Path.Combine(RepositoryFolder.Root, "docs", "recipes.md")) == run.Output,
            "docs/recipes.md is stale: the recipe records changed. Refresh it with `dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll docs recipes > docs/recipes.md` after a Release build.");

        // Fields that were documented only in the source, each in its section's table with its default.
        Assert.Contains("### `training.earlyStopping`", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"\| `patience` \| integer \| `5` \| ", run.Output);
        Assert.Matches(@"\| `stepSize` \| integer \| `\d+` \| ", run.Output);
        Assert.Matches(@"#### `model.sparsity` with kind `k-sparse`\s+\| field[^#]+\| `k` \| integer \| `25` \| ", run.Output);
        Assert.Matches(@"#### `model.sparsity` with kind `winner-take-all`\s+\| field[^#]+\| `rate` \| number \| ", run.Output);
        Assert.Contains("## Pretraining recipes", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reference_has_a_section_for_every_command_naming_each_of_its_options()
    {
        string reference = CliRun.Of("docs", "cli").Output;
        int options = 0;
        foreach ((string path, Command command) in Commands(AeApplication.CreateRootCommand(), "ae"))
        {
            int start = reference.IndexOf($"\n## {path}\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"no section for {path}");
            int end = reference.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            string section = end < 0 ? reference[start..] : reference[start..end];
            foreach (Option option in command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "--version")))
            {
                options++;
                Assert.Contains($"| `{option.Name}`", section, StringComparison.Ordinal);
                if (!string.IsNullOrEmpty(option.Description))
                {
                    string plain = new string(option.Description.TakeWhile(c => c is not ('<' or '>' or '|' or '\n')).ToArray()).Trim();
                    Assert.Contains(plain, section, StringComparison.Ordinal);
                }
            }
        }

        // The maintainers' command stays out of the reference.
        Assert.DoesNotContain("## ae docs", reference, StringComparison.Ordinal);
        Assert.True(options > 150, $"only {options} options were found");
    }

    private static IEnumerable<(string, Command)> Commands(Command command, string path)
    {
        foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
        {
            yield return ($"{path} {sub.Name}", sub);
            foreach ((string, Command) nested in Commands(sub, $"{path} {sub.Name}"))
            {
                yield return nested;
            }
        }
    }
}
