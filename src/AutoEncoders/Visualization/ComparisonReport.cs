using System.Globalization;
using System.Text.Json;
using AutoEncoders.Persistence;
using AutoEncoders.Training;

namespace AutoEncoders.Visualization;

/// <summary>
/// One self-contained HTML page putting several runs side by side: what each run is (model, objective, epochs,
/// parameters), a table of their test and final-epoch metrics, and their loss curves overlaid. Needs no weights,
/// only each run directory's model.json, history.json and metrics.json.
/// </summary>
public static class ComparisonReport
{
    /// <summary>Writes the comparison of <paramref name="runDirectories"/> to <paramref name="outputPath"/> (HTML; the overlay PNG is written beside it) and returns the page's path.</summary>
    public static string Write(IReadOnlyList<string> runDirectories, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(runDirectories);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        if (runDirectories.Count == 0)
        {
            throw new ArgumentException("Name at least one run directory to compare.", nameof(runDirectories));
        }

        List<RunSummary> runs = runDirectories.Select(RunSummary.Load).ToList();
        string[] names = UniqueNames(runs);
        string output = Path.GetFullPath(outputPath);
        var html = new HtmlDocument();
        html.Element("h1", $"Comparison of {runs.Count.ToString(CultureInfo.InvariantCulture)} runs");
        html.Element("p", $"Written {DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)} by `ae compare`.", "class=\"meta\"");

        html.Element("h2", "Runs");
        html.Table(
            ["run", "model", "objective", "parameters", "epochs", "directory"],
            runs.Select((r, i) => (IReadOnlyList<string>)
            [
                names[i],
                JsonSerializer.Serialize(r.Manifest.Model, JsonOptions.Compact),
                string.Join(" + ", r.Manifest.Objective.TermNames) + (r.Manifest.Objective.Corruption is null ? string.Empty : " (denoising)"),
                r.Manifest.ParameterCount.ToString("N0", CultureInfo.InvariantCulture),
                r.History?.Epochs.Count.ToString(CultureInfo.InvariantCulture) ?? "–",
                r.Directory,
            ]));

        html.Element("h2", "Metrics");
        var rows = new List<IReadOnlyList<string>>();
        foreach ((string label, Func<RunSummary, IReadOnlyDictionary<string, double>?> source) in new (string, Func<RunSummary, IReadOnlyDictionary<string, double>?>)[]
        {
            ("test", r => r.Metrics),
            ("train (last epoch)", r => r.History?.Last?.Train),
            ("validation (last epoch)", r => r.History?.Last?.Validation),
        })
        {
            var metricNames = runs.SelectMany(r => source(r)?.Keys ?? []).Distinct().OrderBy(n => n == "loss" ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList();
            foreach (string metric in metricNames)
            {
                var row = new List<string> { $"{metric} ({label})" };
                row.AddRange(runs.Select(r => source(r) is { } values && values.TryGetValue(metric, out double v) ? HtmlDocument.Number(v) : "–"));
                rows.Add(row);
            }
        }

        if (rows.Count > 0)
        {
            html.Table(["metric", .. names], rows);
        }
        else
        {
            html.Element("p", "None of the runs recorded metrics.", "class=\"note\"");
        }

        var histories = runs.Select((r, i) => (Name: names[i], r.History)).Where(r => r.History is { Epochs.Count: > 0 }).Select(r => (r.Name, r.History!)).ToList();
        html.Element("h2", "Loss curves");
        if (histories.Count > 0)
        {
            string picture = Path.Combine(Path.GetDirectoryName(output)!, Path.GetFileNameWithoutExtension(output) + "-loss.png");
            html.Figure(TrainingCurves.SaveOverlay(histories, picture));
        }
        else
        {
            html.Element("p", "None of the runs has a training history.", "class=\"note\"");
        }

        AtomicFile.WriteAllText(output, html.ToHtml($"Comparison of {string.Join(", ", names)}"));
        return output;
    }

    private static string[] UniqueNames(List<RunSummary> runs)
    {
        // Runs of one recipe share a name: fall back to the directory names, then number what still repeats.
        string[] names = runs.Select(r => r.Name).ToArray();
        if (names.Distinct().Count() != names.Length)
        {
            names = runs.Select(r => Path.GetFileName(r.Directory)).ToArray();
        }

        var seen = new Dictionary<string, int>();
        for (int i = 0; i < names.Length; i++)
        {
            seen[names[i]] = seen.GetValueOrDefault(names[i]) + 1;
            if (seen[names[i]] > 1)
            {
                names[i] = $"{names[i]} ({seen[names[i]].ToString(CultureInfo.InvariantCulture)})";
            }
        }

        return names;
    }
}
