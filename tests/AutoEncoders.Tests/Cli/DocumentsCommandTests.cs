using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AutoEncoders.Tests.Cli;

public sealed class DocumentsCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Trains_on_fortune_files_reports_search_precision_draws_the_map_and_answers_a_query()
    {
        var random = new Random(5);
        _temp.Write("corpus/cats", Fortunes(random, ["cat", "purr", "whiskers", "kitten", "mouse", "milk", "paws", "meow"]));
        _temp.Write("corpus/stars", Fortunes(random, ["star", "galaxy", "telescope", "orbit", "planet", "comet", "nebula", "moon"]));
        string map = _temp.File("map.png");

        CliRun run = CliRun.Of(
            "documents", "--corpus", _temp.File("corpus"), "--fortunes", "--vocabulary", "50", "--min-df", "1", "--layers", "16,2",
            "--epochs", "40", "--batch-size", "8", "--lr", "0.01", "-k", "5", "--map", map, "--query", "a kitten with whiskers", "--seed", "2");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("corpus   80 documents in 2 categories (64 train, 16 held out); vocabulary 16 words", run.Output, StringComparison.Ordinal);
        double bag = double.Parse(Regex.Match(run.Output, @"\| bag of words \| 16 \| (\d\.\d+) \|").Groups[1].Value, CultureInfo.InvariantCulture);
        double codes = double.Parse(Regex.Match(run.Output, @"\| autoencoder codes \| 2 \| (\d\.\d+) \|").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(bag > 0.95, run.Output);
        Assert.True(codes > 0.9, run.Output);
        Assert.True(new FileInfo(map).Length > 1000);
        Assert.Matches(@"query    ""a kitten with whiskers""\n\s+1\. \[cats\]", run.Output);
    }

    private static string Fortunes(Random random, string[] words)
    {
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            text.AppendJoin(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)])).Append(".\n%\n");
        }

        return text.ToString();
    }
}
